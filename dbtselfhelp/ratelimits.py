"""Rate limits on the things people send: join requests, reports, testimonials, contact messages.

Counted in the cache (Redis in production), so every process shares one count. django-ratelimit
fails closed: when the cache cannot be reached a limited action is refused with a 429 page,
the same way allauth's own limits on sign-up, log-in and password reset behave, so an outage of
the cache never opens the door to a flood. Browsing never touches a limit.
"""

from functools import wraps

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def client_ip(request):
    """The visitor's address as allauth sees it (honouring ALLAUTH_TRUSTED_PROXY_COUNT), so our
    limits and allauth's count the same person behind a proxy."""
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(request)


def over_limit(request, action):
    """Count this request against each of the action's limits; True if any is exceeded."""
    hits = [
        is_ratelimited(request, group=f"dbtsh:{action}", key=key, rate=rate, method="POST", increment=True)
        for key, rate in settings.RATE_LIMITS[action]
    ]
    return any(hits)


def rate_limited(action):
    """Refuse a POST over the action's limits with a 429 page that says what to do."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST" and over_limit(request, action):
                return render(request, "429.html", status=429)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
