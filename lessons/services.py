"""Testimonials: a member sends one, a moderator publishes it or not.

Writes here, views call these. Each testimonial keeps its trail (TestimonialEvent), the way
listings and professional applications keep theirs; a refusal is a
dbtselfhelp.errors.ActionRefused, so the rules hold from Django's shell too.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.access import require_moderator
from dbtselfhelp.errors import Incomplete, WrongState

from .models import Testimonial, TestimonialEvent

Status = Testimonial.Status
Action = TestimonialEvent.Action


def _record(testimonial, action, *, by=None, note=""):
    TestimonialEvent.objects.create(testimonial=testimonial, actor=by, action=action, note=note)


@transaction.atomic
def testimonial_submit(*, testimonial: Testimonial, by) -> Testimonial:
    """A member sends a testimonial; it waits for a moderator."""
    testimonial.user = by
    testimonial.status = Status.PENDING
    testimonial.save()
    _record(testimonial, Action.SUBMITTED, by=by)
    return testimonial


def _decide(testimonial, status, *, by, reason=""):
    require_moderator(by)
    if testimonial.status != Status.PENDING:
        raise WrongState(_("This testimonial has already been decided."))
    testimonial.status = status
    testimonial.rejection_reason = reason
    testimonial.reviewed_by = by
    testimonial.reviewed_at = timezone.now()
    testimonial.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])


@transaction.atomic
def testimonial_approve(*, testimonial: Testimonial, by) -> None:
    """A moderator publishes a testimonial waiting for review."""
    _decide(testimonial, Status.APPROVED, by=by)
    _record(testimonial, Action.APPROVED, by=by)


@transaction.atomic
def testimonial_reject(*, testimonial: Testimonial, by, reason: str) -> None:
    """A moderator declines to publish a testimonial waiting for review, with a reason (kept for
    the moderators; the member is not e-mailed)."""
    reason = reason.strip()
    if not reason:
        raise Incomplete(_("Please give a reason."))
    _decide(testimonial, Status.REJECTED, by=by, reason=reason)
    _record(testimonial, Action.REJECTED, by=by, note=reason)
