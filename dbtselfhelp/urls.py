from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("moderation/", include("groups.moderation_urls")),
    path("", include("accounts.urls_site")),
    path("", include("lessons.urls")),
    path("admin/", admin.site.urls),
]
