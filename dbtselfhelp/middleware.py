import logging
import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger("dbtselfhelp.requests")


class RequestLogMiddleware:
    """One line per request: method, route, status, duration. The route is the URL pattern
    ("groups/calendar/<str:token>.ics"), never the path or query string, so secret calendar
    tokens, typed places, e-mail addresses and messages never reach the logs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None:
            route = f"/{match.route}"
        elif request.path.startswith(settings.STATIC_URL):
            route = settings.STATIC_URL  # served by WhiteNoise before URL resolution
        else:
            route = "(no route)"
        logger.info(
            "%s %s %s %.1fms", request.method, route, response.status_code, (time.perf_counter() - started) * 1000
        )
        return response


AFTER_TWO_FACTOR = "after_two_factor"


def after_two_factor(request):
    """Where a moderator sent to set up an authenticator app was going, or "" (for the recovery
    codes page's "Continue" link, once the app is active)."""
    session = getattr(request, "session", None)
    going = session.get(AFTER_TWO_FACTOR, "") if session is not None else ""
    user = getattr(request, "user", None)
    if not (going and user and user.is_authenticated and user.has_authenticator_app):
        return ""
    return going


class SecondFactorRequiredMiddleware:
    """The moderation console and the admin open only to accounts with an authenticator app.

    A moderator, staff member or superuser without one who opens anything under /moderation/
    or /admin/ is sent to set one up, with the reason. Once it is active, allauth asks for
    a code at every sign-in, so here only its presence is checked, never the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith((reverse("moderation"), reverse("admin:index"))):
            user = request.user
            if user.is_authenticated and user.must_use_two_factor and not user.has_authenticator_app:
                # Where they were going, for the "Continue" link once the app is set up (a path
                # of this site's own, taken from this request, never from a parameter).
                request.session[AFTER_TWO_FACTOR] = (
                    request.get_full_path()
                    if request.method == "GET"
                    else (
                        reverse("moderation")
                        if request.path.startswith(reverse("moderation"))
                        else reverse("admin:index")
                    )
                )
                messages.warning(
                    request,
                    _(
                        "Moderators and administrators must use two-factor authentication. Set up an "
                        "authenticator app to open the moderation console and the admin."
                    ),
                )
                return redirect("mfa_activate_totp")
            if request.session.get(AFTER_TWO_FACTOR) and user.is_authenticated and user.has_authenticator_app:
                del request.session[AFTER_TWO_FACTOR]  # arrived: the "Continue" link has done its work
        return self.get_response(request)
