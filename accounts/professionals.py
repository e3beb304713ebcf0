"""The life of a professional endorser's application. Writes here; views call these.

The applicant acts on their own profile (apply, update, withdraw); a moderator decides one
waiting for verification. Each refusal is a dbtselfhelp.errors.ActionRefused, so the rules hold
from Django's shell too; each decision is kept in the profile's trail (ProfessionalEvent).
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.access import require_moderator
from dbtselfhelp.emails import absolute_url, moderator_emails, send_templated_email
from dbtselfhelp.errors import Incomplete, NotAllowed, WrongState

from .models import ProfessionalEvent, ProfessionalProfile

Status = ProfessionalProfile.Status
Action = ProfessionalEvent.Action


def _record(profile, action, *, by=None, note=""):
    ProfessionalEvent.objects.create(profile=profile, actor=by, action=action, note=note)


def _require_owner(profile, by):
    if by is None or profile.user_id != by.pk:
        raise NotAllowed(_("Only the professional can change their own listing."))


def _require_pending(profile):
    if profile.status != Status.PENDING:
        raise WrongState(_("Only applications waiting for verification can be decided."))


def _to_review(profile, by, action):
    profile.status = Status.PENDING
    profile.submitted_at = timezone.now()
    profile.save()
    _record(profile, action, by=by)
    send_templated_email(
        template="professional_submitted",
        to=moderator_emails(),
        context={"profile": profile, "url": absolute_url(reverse("moderation_professional", args=[profile.pk]))},
    )


@transaction.atomic
def professional_apply(*, profile: ProfessionalProfile, user) -> ProfessionalProfile:
    """A member applies to be listed; the moderators are e-mailed."""
    profile.user = user
    _to_review(profile, user, Action.APPLIED)
    return profile


@transaction.atomic
def professional_update(*, profile: ProfessionalProfile, by, changed) -> bool:
    """A verified endorser may edit their statement and stay listed; a change to the name,
    profession, credentials or licence goes back to review (True)."""
    _require_owner(profile, by)
    needs_review = profile.status != Status.VERIFIED or any(f in changed for f in ProfessionalProfile.REVIEWED_FIELDS)
    if needs_review:
        _to_review(profile, by, Action.CHANGED_CREDENTIALS if profile.status == Status.VERIFIED else Action.RESUBMITTED)
        return True
    profile.save()
    _record(profile, Action.EDITED_STATEMENT, by=by)
    return False


@transaction.atomic
def professional_withdraw(*, profile: ProfessionalProfile, by) -> None:
    """The endorser takes themselves off the list."""
    _require_owner(profile, by)
    profile.status = Status.WITHDRAWN
    profile.save(update_fields=["status"])
    _record(profile, Action.WITHDREW, by=by)


@transaction.atomic
def professional_verify(*, profile: ProfessionalProfile, by, note: str = "") -> None:
    """A moderator verifies an application waiting for it: the endorser is listed and told."""
    require_moderator(by)
    _require_pending(profile)
    now = timezone.now()
    profile.status = Status.VERIFIED
    profile.reviewed_at = profile.verified_at = now
    profile.reviewed_by = by
    profile.rejection_reason = ""
    profile.save()
    _record(profile, Action.VERIFIED, by=by, note=note)
    send_templated_email(
        template="professional_verified",
        to=[profile.user.email],
        context={"profile": profile, "url": absolute_url(reverse("professional_list"))},
    )


@transaction.atomic
def professional_reject(*, profile: ProfessionalProfile, by, reason: str) -> None:
    """A moderator turns down an application waiting for verification, with the reason the
    applicant is e-mailed."""
    require_moderator(by)
    _require_pending(profile)
    if not reason.strip():
        raise Incomplete(_("Please give a reason."))
    profile.status = Status.REJECTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.rejection_reason = reason
    profile.save()
    _record(profile, Action.REJECTED, by=by, note=reason)
    send_templated_email(
        template="professional_rejected",
        to=[profile.user.email],
        context={"profile": profile, "reason": reason, "url": absolute_url(reverse("professional_me"))},
    )
