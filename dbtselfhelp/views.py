from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.shortcuts import render
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
