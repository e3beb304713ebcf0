"""Decorators every app uses: a verified member, a moderator; and the moderator check every
app's services make on the person they act for."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .errors import NotAllowed


def verified_member_required(view):
    """Signed in with a verified e-mail address: needed for anything that others see."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_verified:
            messages.warning(request, _("Please verify your e-mail address first."))
            return redirect("account_email")
        return view(request, *args, **kwargs)

    return wrapper


def require_moderator(person) -> None:
    """Refuse (NotAllowed) unless `person` holds moderator powers: the role and an authenticator app."""
    if person is None or not person.is_authenticated or not person.is_moderator:
        raise NotAllowed(_("Only a moderator can do that."))


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_moderator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
