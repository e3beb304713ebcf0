from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache


def home(request):
    from accounts.models import ProfessionalProfile

    endorsers = cache.get("home:endorsers")
    if endorsers is None:
        endorsers = ProfessionalProfile.objects.verified().count()
        cache.set("home:endorsers", endorsers, 300)
    return render(request, "home.html", {"endorsers": endorsers})


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not. For load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "unavailable", "database": False}, status=503)
    return JsonResponse({"status": "ok", "database": True})


# Kept out of crawlers' way: every language's copy of the private pages.
ROBOTS_PRIVATE = ("/account/", "/accounts/", "/moderation/", "/admin/", "/groups/manage/")


def robots_txt(request):
    sitemap = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *"]
    prefixes = [""] + [f"/{code}" for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
    lines += [f"Disallow: {prefix}{path}" for prefix in prefixes for path in ROBOTS_PRIVATE]
    lines += [f"Sitemap: {sitemap}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
