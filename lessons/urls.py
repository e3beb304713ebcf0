from django.urls import path

from . import views

urlpatterns = [
    path(f"{slug}/", views.information_page, {"slug": slug}, name=f"page_{slug.replace('-', '_')}")
    for slug in views.INFORMATION_PAGES
]
