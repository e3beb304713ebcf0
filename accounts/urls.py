from django.urls import path

from .views import account as views

urlpatterns = [
    path("", views.account, name="account"),
    path("export/", views.export_data, name="account_export"),
    path("delete/", views.delete_account, name="account_delete"),
]
