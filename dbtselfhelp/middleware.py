import logging
import re
import time

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from .logs import route_of

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
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            route_of(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
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


# Characters no path of the site contains: C0 controls and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def bad_request_response():
    """The 400 page, static: it reads no session, user or database (the request is not to be trusted)."""
    context = {
        "SITE_NAME": settings.SITE_NAME,
        "error_title": _("Something in that request was not right"),
        "error_text": _("The address or the form had something we could not read. Please go back and try again."),
    }
    return HttpResponseBadRequest(render_to_string("includes/static_error_page.html", context))


class UnreadableInputMiddleware:
    """Refuse, in one place, input no page can use and some databases cannot store: a NUL byte in
    any parameter, form field or cookie (PostgreSQL refuses NUL in text, so it was a 500 wherever
    it reached a query), or a control character in the path. Answers 400 before any view, session
    or query runs. A cookie carrying one is dropped instead, so a stale cookie never locks anyone out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name or "\x00" in value]:
            del request.COOKIES[name]
        if CONTROL_CHARACTERS.search(request.path) or CONTROL_CHARACTERS.search(request.path_info):
            return bad_request_response()
        try:
            unreadable = _has_nul(request.GET) or (request.content_type in FORM_TYPES and _has_nul(request.POST))
        except MultiPartParserError:
            unreadable = True
        if unreadable:
            return bad_request_response()
        return self.get_response(request)


def _has_nul(query_dict):
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


def strip_language_prefix(path):
    """/es/account/ -> /account/: the path as the English site spells it."""
    for code, _name in settings.LANGUAGES:
        if path.startswith(f"/{code}/") or path == f"/{code}":
            return path[len(code) + 1 :] or "/"
    return path


# Pages that carry something private whoever asks: the account pages and links with a secret in them.
PRIVATE_PREFIXES = ("/accounts/", "/account/", "/moderation/", "/admin/")
PRIVATE_ROUTES = {"member_calendar", "invitation_accept"}


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on everything served to someone signed in (their pages
    carry their name, their groups, a private group's address) and on the account pages and secret
    links for anyone, so no shared cache or browser history keeps a copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        if (
            (user is not None and user.is_authenticated)
            or strip_language_prefix(request.path).startswith(PRIVATE_PREFIXES)
            or (match is not None and match.url_name in PRIVATE_ROUTES)
        ):
            response["Cache-Control"] = "private, no-store"
        return response
