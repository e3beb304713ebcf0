"""A group following the skills rotation (lessons/rotation.py): the rules for changing it.

A group that follows the rotation has a date for week 1; the week moves on every seven days
from that date, in the group's own zone. Its facilitators (lead or co) may start or stop it,
pin a week (it stays until unpinned, and the rotation then carries on from that week) or skip
a week (it moves on by one, pinned or not). Nobody else may: not members, not another group's
facilitators, not moderators, who look after listings, not what a group practises.
"""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.errors import ActionRefused
from lessons import rotation

from .access import require_facilitator
from .models import PeerGroup

FIELDS = ["rotation_starts_on", "rotation_shift", "rotation_pinned_week", "updated_at"]


class RotationError(ActionRefused):
    """A change that cannot be made (400); the message is for the facilitator."""

    status = 400


def _locked(group, by):
    """The group's row, locked for the change, once `by` may make it."""
    require_facilitator(group, by)
    return PeerGroup.objects.select_for_update().get(pk=group.pk)


def _save(locked, group):
    locked.save(update_fields=FIELDS)
    for field in FIELDS:
        setattr(group, field, getattr(locked, field))
    return group


@transaction.atomic
def rotation_follow(*, group, by, starts_on):
    """Follow the rotation with week 1 beginning on `starts_on` (a date); starting again from a new
    date clears any pinned or skipped week."""
    locked = _locked(group, by)
    locked.rotation_starts_on, locked.rotation_shift, locked.rotation_pinned_week = starts_on, 0, None
    return _save(locked, group)


@transaction.atomic
def rotation_stop(*, group, by):
    locked = _locked(group, by)
    locked.rotation_starts_on, locked.rotation_shift, locked.rotation_pinned_week = None, 0, None
    return _save(locked, group)


@transaction.atomic
def rotation_pin(*, group, by, week, now):
    """Hold the group on week `week` (1 to the rotation's length) until it is unpinned."""
    locked = _locked(group, by)
    if locked.rotation_starts_on is None:
        raise RotationError(_("The group does not follow the skills rotation."))
    if rotation.week(week) is None:
        raise RotationError(_("Choose a week from 1 to %(n)d.") % {"n": rotation.length()})
    locked.rotation_pinned_week = week
    return _save(locked, group)


@transaction.atomic
def rotation_unpin(*, group, by, now):
    """Let the rotation move on again from the pinned week: this week stays the pinned one, next
    week is the one after it."""
    locked = _locked(group, by)
    if not locked.rotation_pinned_week:
        raise RotationError(_("No week is pinned."))
    elapsed = max(locked.rotation_weeks_elapsed(now), 0)
    locked.rotation_shift = (locked.rotation_pinned_week - 1 - elapsed) % rotation.length()
    locked.rotation_pinned_week = None
    return _save(locked, group)


@transaction.atomic
def rotation_skip(*, group, by, now):
    """Move on by one week now: the pinned week if one is pinned, else this week."""
    locked = _locked(group, by)
    if locked.rotation_starts_on is None:
        raise RotationError(_("The group does not follow the skills rotation."))
    if locked.rotation_pinned_week:
        locked.rotation_pinned_week = locked.rotation_pinned_week % rotation.length() + 1
    elif locked.rotation_weeks_elapsed(now) < 0:
        raise RotationError(_("Week 1 has not begun yet: change its date instead."))
    else:
        locked.rotation_shift = (locked.rotation_shift + 1) % rotation.length()
    return _save(locked, group)
