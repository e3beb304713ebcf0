"""Who may see and change what. 404 for people who may not know a thing exists; 403 for
people who may see it but not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dbtselfhelp.access import moderator_required, verified_member_required

from .models import PeerGroup

__all__ = ["get_group_for_facilitator", "get_visible_group", "moderator_required", "verified_member_required"]


def get_visible_group(request, slug, queryset=None):
    """A published group for anyone; any other state only for its facilitators and moderators.
    `queryset` may bring what the page needs along (prefetches) in the same look-up."""
    queryset = queryset if queryset is not None else PeerGroup.objects.select_related("module")
    group = get_object_or_404(queryset, slug=slug)
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
