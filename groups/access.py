"""Who may see and change what. 404 for people who may not know a thing exists; 403 for
people who may see it but not change it."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from .models import PeerGroup


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


def moderator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_moderator:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def get_visible_group(request, slug):
    """A published group for anyone; any other state only for its facilitators and moderators."""
    group = get_object_or_404(PeerGroup.objects.select_related("module"), slug=slug)
    if not group.is_visible_to(request.user):
        raise Http404
    return group


def get_group_for_facilitator(request, slug):
    """The group, for one of its facilitators. 404 to those who may not know it exists,
    403 to those who may see it but are not its facilitators (moderators included)."""
    group = get_visible_group(request, slug)
    if not group.is_facilitator(request.user):
        raise PermissionDenied
    return group
