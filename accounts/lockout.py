"""Brute force kept out without handing strangers a switch that locks someone out.

How allauth keys its limits: "login_failed" is counted per client address (`ip`) and per login
(`key`, the address typed; for two-factor codes `mfa-auth-user-<id>`), so five wrong passwords from
anywhere locked an account's log-in for everyone, and wrong codes its second step. Here allauth
keeps only the per-address limits, and two budgets replace the per-account lock:

- per account *and* client address (5 failures in 5 minutes): a stranger who guesses wrong locks
  out only themselves, from where they are;
- per account, for browsers that have never signed in to it (20 failures an hour): spread over
  many addresses, guessing slows to 20 tries an hour, and the account's owner, in a browser that
  has signed in before (a signed "known device" cookie), is not counted and never locked out.

A successful attempt takes back its own count (never the others'), and a password reset clears
the account's budget. Password log-in (accounts.adapter) and two-factor codes (accounts.forms_mfa)
both use it."""

import hashlib

from allauth.core.exceptions import RateLimited
from allauth.core.internal import ratelimit
from django.conf import settings
from django.core import signing

DEVICE_COOKIE = "dbtsh_device"
DEVICE_SALT = "dbtselfhelp.known-device"
DEVICE_DAYS = 180
MAX_ACCOUNTS_PER_DEVICE = 5


def _tag(account):
    return hashlib.sha256(account.encode()).hexdigest()[:20]


def password_account(login):
    return f"password:{(login or '').strip().lower()}"


def code_account(user):
    return f"mfa:{user.pk}"


def known_accounts(request):
    """The accounts this browser has signed in to (tags only: no address is kept in the cookie)."""
    value = request.COOKIES.get(DEVICE_COOKIE)
    if not value:
        return []
    try:
        tags = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 86400)
    except signing.BadSignature:
        return []
    return [tag for tag in tags if isinstance(tag, str)] if isinstance(tags, list) else []


def is_known_device(request, account):
    return _tag(account) in known_accounts(request)


def remember_device(request, response, user):
    """After a successful sign-in: this browser is one the account's owner uses."""
    tags = [_tag(password_account(address)) for address in user.emailaddress_set.values_list("email", flat=True)]
    tags.append(_tag(code_account(user)))
    kept = [tag for tag in known_accounts(request) if tag not in tags]
    value = signing.dumps((tags + kept)[: MAX_ACCOUNTS_PER_DEVICE * 3], salt=DEVICE_SALT)
    response.set_cookie(
        DEVICE_COOKIE,
        value,
        max_age=DEVICE_DAYS * 86400,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def spend_attempt(request, account):
    """Count one attempt against the budgets; a usage to roll back on success, or None when over one."""
    pair = ratelimit.consume(
        request, app="allauth.account", action="login_failed_pair", key=f"{account}|{ratelimit.get_ip(request)}"
    )
    if pair is None:
        return None
    if is_known_device(request, account):
        return pair
    whole = ratelimit.consume(request, app="allauth.account", action="login_failed_account", key=account)
    if whole is None:
        pair.rollback()
        return None
    return ratelimit.RateLimitUsage(usage=[*pair.usage, *whole.usage])


def forget_failures(request, user):
    """A password reset proves the owner: clear the account's budget, everywhere."""
    accounts = [password_account(a) for a in user.emailaddress_set.values_list("email", flat=True)]
    for account in [*accounts, code_account(user)]:
        ratelimit.clear(request, app="allauth.account", action="login_failed_account", key=account)


__all__ = ["RateLimited", "forget_failures", "remember_device", "spend_attempt"]
