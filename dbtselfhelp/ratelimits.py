"""Rate limits on the things people send: join requests, reports, testimonials, contact messages.

Counted in the cache (Redis in production), so every process shares one count. django-ratelimit
fails closed: when the cache cannot be reached a limited action is refused with a 429 page,
the same way allauth's own limits on sign-up, log-in and password reset behave, so an outage of
the cache never opens the door to a flood. Browsing never touches a limit.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
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


# --- E-mail to an address someone typed ---------------------------------------------------------


def _parse(rate):
    count, period = rate.split("/")
    return int(count), {"m": 60, "h": 3600, "d": 86400}[period]


def allow_email(kind, *, sender, recipient):
    """Whether one more e-mail of this kind may go from `sender` (e.g. "user:12", "ip:…") to
    `recipient` (an address), under EMAIL_LIMITS[kind]: one count per sender and one per
    recipient, so neither a member nor a crowd of accounts can aim mail at a stranger. Counted in
    the rate-limit store; refused (fail closed) when it cannot be reached. Addresses are hashed in
    the store's keys, never kept as they are."""
    store = caches[settings.RATELIMIT_USE_CACHE]
    address = hashlib.sha256(recipient.strip().lower().encode()).hexdigest()[:32]
    allowed = True
    for who, rate in (("sender", sender), ("recipient", address)):
        count, period = _parse(settings.EMAIL_LIMITS[kind][who])
        window = int(time.time() // period)
        key = f"email-limit:{kind}:{who}:{hashlib.sha256(rate.encode()).hexdigest()[:32]}:{window}"
        try:
            store.add(key, 0, timeout=period)
            used = store.incr(key)
        except ValueError:  # the store is unreachable (or lost the key): refuse
            return False
        allowed = allowed and used <= count
    return allowed


def sender_key(request):
    """Who is sending: the member, or for a visitor their address."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{client_ip(request)}"
