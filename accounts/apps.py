from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import password_reset

        use_rate_limit_store_for_allauth()
        password_reset.connect(_forget_failures, dispatch_uid="accounts.forget_failures")


def _forget_failures(sender, request, user, **kwargs):
    from .lockout import forget_failures

    forget_failures(request, user)


def use_rate_limit_store_for_allauth():
    """allauth keeps its rate limits (sign-up, log-in failures, password reset, two-factor codes)
    and the marks that stop a two-factor code being used twice in `django.core.cache.cache`, the
    default cache, and has no setting to change that. Point both modules at the "ratelimit" store,
    so a flood of cached pages can neither evict a limit nor make its write fail. A test checks the
    counters land there (tests/test_cache_flood.py), so an allauth upgrade that moves them fails it."""
    from allauth.core.internal import ratelimit
    from allauth.mfa.totp.internal import auth
    from django.core.cache import caches
    from django.utils.connection import ConnectionProxy

    store = ConnectionProxy(caches, "ratelimit")
    ratelimit.cache = store
    auth.cache = store
