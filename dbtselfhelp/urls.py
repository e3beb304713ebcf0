from allauth import urls as allauth_urls
from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.db import transaction
from django.urls import URLPattern, URLResolver, include, path

from accounts.views.language import set_language
from groups.urls import data_urlpatterns as groups_data_urlpatterns

from . import pages, views
from .sitemaps import SITEMAPS

# The admin's own login form would skip allauth's second factor: sign in through allauth.
admin.site.login = secure_admin_login(admin.site.login)

# A database that goes away mid-request gets the 503 page, wherever it happens.
handler500 = "dbtselfhelp.unavailable.server_error"


def atomic(patterns):
    """Each view in one transaction: what an allauth view saves (an account, an address, a password)
    and the e-mail it causes (kept in the outbox) are saved together, or not at all."""
    wrapped = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = atomic(entry.url_patterns)
            wrapped.append(URLResolver(entry.pattern, inner, entry.default_kwargs, entry.app_name, entry.namespace))
        else:
            view = transaction.atomic(entry.callback)
            wrapped.append(URLPattern(entry.pattern, view, entry.default_args, entry.name))
    return wrapped


# Language-neutral addresses: health check, sitemaps (which list both languages), the Meeting Guide feed
# and calendars. Everything a person reads is under i18n_patterns: English at the root, Spanish under /es/.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("groups/", include(groups_data_urlpatterns)),
    path("sitemap.xml", sitemap_index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="django.contrib.sitemaps.views.sitemap"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accounts/", include(atomic(allauth_urls.urlpatterns))),
    path("account/", include("accounts.urls")),
    path("groups/", include("groups.urls")),
    path("moderation/", include("groups.moderation_urls")),
    path("", include("accounts.urls_site")),
    *[
        path(f"{slug}/", pages.information_page, {"slug": slug}, name=pages.url_name(slug))
        for slug in pages.INFORMATION_PAGES
    ],
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("", include("lessons.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
