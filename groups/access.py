"""Who may see and change what.

Views: 404 for people who may not know a thing exists; 403 for people who may see it but not
change it (`get_group_for_facilitator`, `get_group_for_lead`).

Services: the same rules, checked again on the person a service acts for (`require_facilitator`,
`require_lead`, `require_moderator`), so a call from Django's shell or a management command
meets them too. They refuse with dbtselfhelp.errors.NotAllowed.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.access import moderator_required, require_moderator, verified_member_required
from dbtselfhelp.errors import NotAllowed

from .models import PeerGroup

__all__ = [
    "get_group_for_facilitator",
    "get_group_for_lead",
    "get_visible_group",
    "moderator_required",
    "require_facilitator",
    "require_lead",
    "require_moderator",
    "verified_member_required",
]


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


def get_group_for_lead(request, slug):
    """The group, for its lead facilitator: 403 to its co-facilitators, who may see the page
    but not change who runs the group."""
    group = get_group_for_facilitator(request, slug)
    if not group.is_lead(request.user):
        raise PermissionDenied
    return group


def require_facilitator(group: PeerGroup, person) -> None:
    """Refuse unless `person` facilitates `group`."""
    if not group.is_facilitator(person):
        raise NotAllowed(_("Only the group's facilitators can do that."))


def require_lead(group: PeerGroup, person) -> None:
    """Refuse unless `person` is the group's lead facilitator."""
    if person is None or not group.is_lead(person):
        raise NotAllowed(_("Only the group's lead facilitator can do that."))
