from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from . import views
from .sitemaps import SITEMAPS

# The admin's own login form would skip allauth's second factor: sign in through allauth.
admin.site.login = secure_admin_login(admin.site.login)

# A database that goes away mid-request gets the 503 page, wherever it happens.
handler500 = "dbtselfhelp.unavailable.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("account/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("moderation/", include("groups.moderation_urls")),
    path("", include("accounts.urls_site")),
    path("", include("lessons.urls")),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
    path("admin/", admin.site.urls),
]
