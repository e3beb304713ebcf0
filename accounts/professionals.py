"""The life of a professional endorser's application. Writes here; views call these."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dbtselfhelp.emails import absolute_url, moderator_emails, send_templated_email

from .models import ProfessionalEvent, ProfessionalProfile

Status = ProfessionalProfile.Status


def _record(profile, action, *, by=None, note=""):
    ProfessionalEvent.objects.create(profile=profile, actor=by, action=action, note=note)


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
def professional_apply(*, profile, user):
    profile.user = user
    _to_review(profile, user, "applied")
    return profile


@transaction.atomic
def professional_update(*, profile, by, changed):
    """A verified endorser may edit their statement and stay listed; a change to the name,
    profession, credentials or licence goes back to review."""
    needs_review = profile.status != Status.VERIFIED or any(f in changed for f in ProfessionalProfile.REVIEWED_FIELDS)
    if needs_review:
        _to_review(profile, by, "changed credentials" if profile.status == Status.VERIFIED else "resubmitted")
        return True
    profile.save()
    _record(profile, "edited statement", by=by)
    return False


@transaction.atomic
def professional_withdraw(*, profile, by):
    profile.status = Status.WITHDRAWN
    profile.save(update_fields=["status"])
    _record(profile, "withdrew", by=by)


@transaction.atomic
def professional_verify(*, profile, by, note=""):
    now = timezone.now()
    profile.status = Status.VERIFIED
    profile.reviewed_at = profile.verified_at = now
    profile.reviewed_by = by
    profile.rejection_reason = ""
    profile.save()
    _record(profile, "verified", by=by, note=note)
    send_templated_email(
        template="professional_verified",
        to=[profile.user.email],
        context={"profile": profile, "url": absolute_url(reverse("professional_list"))},
    )


@transaction.atomic
def professional_reject(*, profile, by, reason):
    profile.status = Status.REJECTED
    profile.reviewed_at = timezone.now()
    profile.reviewed_by = by
    profile.rejection_reason = reason
    profile.save()
    _record(profile, "rejected", by=by, note=reason)
    send_templated_email(
        template="professional_rejected",
        to=[profile.user.email],
        context={"profile": profile, "reason": reason, "url": absolute_url(reverse("professional_me"))},
    )
