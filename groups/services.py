"""Writes that touch several models or send e-mail: the life of a listing.

Views call these; none of this lives in signals, form.save() tricks or views.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.emails import absolute_url, moderator_emails, send_templated_email
from dbtselfhelp.ratelimits import allow_email

from . import alerts, diffs, geocoding, notifications
from .models import (
    NOT_CONFIRMED_IN_TIME,
    FacilitatorInvitation,
    GroupAdviser,
    GroupFacilitator,
    ListingEvent,
    PeerGroup,
    Report,
)
from .waiting import WaitingAlert

Action = ListingEvent.Action


class ListingIncomplete(Exception):
    """A listing without what every listing needs (a meeting time): never saved, submitted or approved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def check_complete(group):
    """Raise ListingIncomplete unless the listing has at least one meeting time. Checked again at
    every step (save, submission, approval), whatever a form let through."""
    if not group.meeting_times.exists():
        raise ListingIncomplete(_("A listing needs at least one meeting time."))


def _record(group, action, *, by=None, note="", changes=None):
    return ListingEvent.objects.create(group=group, actor=by, action=action, note=note, changes=changes or [])


def place_group(group):
    """Fill in coordinates and time zone from the address when the facilitator left them empty."""
    if group.meets_in_person and (group.latitude is None or group.longitude is None):
        location = geocoding.locate_listing(
            address=group.address,
            town=group.town,
            region=group.region,
            postal_code=group.postal_code,
            country=group.country,
        )
        if location:
            group.latitude, group.longitude = location.latitude, location.longitude
            group.location_source = location.source
            if not group.time_zone and location.time_zone:
                group.time_zone = location.time_zone
    if not group.time_zone and group.latitude is not None and group.longitude is not None:
        group.time_zone = geocoding.time_zone_at(group.latitude, group.longitude)


@transaction.atomic
def group_create(*, group, meeting_formset, audiences, by):
    """A new listing, saved as a draft, with its creator as lead facilitator."""
    group.status = PeerGroup.Status.DRAFT
    group.last_confirmed_at = timezone.now()
    place_group(group)
    group.save()
    group.audiences.set(audiences)
    meeting_formset.instance = group
    meeting_formset.save()
    check_complete(group)
    GroupFacilitator.objects.create(group=group, user=by, role=GroupFacilitator.Role.LEAD)
    group.note_calendar_change(timezone.now())
    _record(group, Action.CREATED, by=by)
    return group


@transaction.atomic
def group_update(*, group, meeting_formset, audiences, by):
    """Save a facilitator's edit. An edit also confirms the listing is current.

    A published listing stays published (people rely on it) but goes to the moderators'
    "changed" queue with what changed since it was last reviewed. Members hear of new meeting
    times, a new place or meeting link (groups/notifications.py); a published group that opens
    to new members again tells the people waiting near it (on the worker)."""
    was_open = PeerGroup.objects.filter(pk=group.pk).values_list("accepting_new_members", flat=True).first()
    before = notifications.facts_before_edit(group)
    place_group(group)
    group.last_confirmed_at = timezone.now()
    group.reminder_sent_at = None
    group.save()
    group.audiences.set(audiences)
    meeting_formset.save()
    check_complete(group)
    group.note_calendar_change(timezone.now())
    changes = group.changes_since_review() if group.status == PeerGroup.Status.PUBLISHED else []
    if group.status == PeerGroup.Status.PUBLISHED:
        group.has_unreviewed_changes = bool(changes)
        group.save(update_fields=["has_unreviewed_changes"])
    _record(group, Action.EDITED, by=by, changes=diffs.history_records(group.changes_since_review) if changes else [])
    notifications.note_group_edited(group=group, before=before, by=by, now=timezone.now())
    if group.status == PeerGroup.Status.PUBLISHED and group.accepting_new_members and not was_open:
        alerts.enqueue_alerts(group=group, reason=WaitingAlert.Reason.REOPENED)
    return group


@transaction.atomic
def notice_post(*, notice, group, by):
    """Post a dated notice; one that cancels a meeting changes the group's calendar. Members hear of it."""
    notice.group, notice.created_by = group, by
    notice.save()
    group.note_calendar_change(timezone.now())
    notifications.note_notice_posted(notice=notice, by=by, now=timezone.now())
    return notice


@transaction.atomic
def notice_delete(*, notice, by=None):
    group = notice.group
    notifications.note_notice_removed(notice=notice, by=by, now=timezone.now())
    notice.delete()
    group.note_calendar_change(timezone.now())


@transaction.atomic
def group_submit(*, group, by):
    if group.status not in (PeerGroup.Status.DRAFT, PeerGroup.Status.REJECTED, PeerGroup.Status.ARCHIVED):
        return False
    check_complete(group)
    group.status = PeerGroup.Status.PENDING
    group.submitted_at = timezone.now()
    group.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(group, Action.SUBMITTED, by=by)
    send_templated_email(
        template="listing_submitted",
        to=moderator_emails(),
        context={"group": group, "url": absolute_url(reverse("moderation_group", args=[group.slug]))},
    )
    return True


def _mark_reviewed(group, by):
    group.reviewed_at = timezone.now()
    group.reviewed_by = by
    group.review_snapshot = group.snapshot()
    group.has_unreviewed_changes = False


@transaction.atomic
def group_approve(*, group, by, note=""):
    """Publish a pending listing, or accept the changes to a published one."""
    check_complete(group)
    was_published = group.status == PeerGroup.Status.PUBLISHED
    group.status = PeerGroup.Status.PUBLISHED
    group.rejection_reason = ""
    _mark_reviewed(group, by)
    group.save()
    _record(group, Action.CHANGES_REVIEWED if was_published else Action.APPROVED, by=by, note=note)
    if not was_published:
        send_templated_email(
            template="listing_approved",
            to=group.facilitator_emails(),
            context={"group": group, "url": absolute_url(group.get_absolute_url())},
        )
        alerts.enqueue_alerts(group=group, reason=WaitingAlert.Reason.PUBLISHED)  # the people waiting near it


@transaction.atomic
def group_reject(*, group, by, reason):
    group.status = PeerGroup.Status.REJECTED
    group.rejection_reason = reason
    _mark_reviewed(group, by)
    group.save()
    _record(group, Action.REJECTED, by=by, note=reason)
    send_templated_email(
        template="listing_rejected",
        to=group.facilitator_emails(),
        context={"group": group, "reason": reason, "url": absolute_url(reverse("group_edit", args=[group.slug]))},
    )


@transaction.atomic
def group_unpublish(*, group, by, reason):
    group.status = PeerGroup.Status.DRAFT
    group.has_unreviewed_changes = False
    group.save(update_fields=["status", "has_unreviewed_changes", "updated_at"])
    _record(group, Action.UNPUBLISHED, by=by, note=reason)
    send_templated_email(
        template="listing_unpublished",
        to=group.facilitator_emails(),
        context={"group": group, "reason": reason, "url": absolute_url(reverse("group_edit", args=[group.slug]))},
    )


@transaction.atomic
def group_archive(*, group, by=None, reason="", tell_facilitators=True, now=None):
    """Members and co-facilitators hear of it; the sweep tells facilitators in its own e-mail
    (tell_facilitators=False)."""
    was = group.status
    group.status = PeerGroup.Status.ARCHIVED
    group.has_unreviewed_changes = False
    group.save(update_fields=["status", "has_unreviewed_changes", "updated_at"])
    _record(group, Action.ARCHIVED, by=by, note=reason)
    notifications.note_archived(group=group, was=was, by=by, now=now or timezone.now(),
                                tell_facilitators=tell_facilitators)  # fmt: skip


@transaction.atomic
def group_confirm(*, group, by):
    """'This listing is still correct.'"""
    group.last_confirmed_at = timezone.now()
    group.reminder_sent_at = None
    group.save(update_fields=["last_confirmed_at", "reminder_sent_at", "updated_at"])
    _record(group, Action.CONFIRMED, by=by)


# --- Facilitators ------------------------------------------------------------------------


class InvitationLimitReached(Exception):
    """Too many invitations from this facilitator, or to this address, today."""


@transaction.atomic
def facilitator_invite(*, group, email, by):
    """Invite someone to co-facilitate: (invitation, sent). A pending invitation to the same address
    for the same group is reused and not sent again; a new one counts against the e-mail limits
    per sender and per recipient (InvitationLimitReached when over either)."""
    email = email.strip().lower()
    pending = FacilitatorInvitation.objects.filter(group=group, email=email, accepted_at__isnull=True).first()
    if pending is not None and not pending.is_expired:
        return pending, False
    if not allow_email("invitation", sender=f"user:{by.pk}", recipient=email):
        raise InvitationLimitReached
    if pending is not None:
        pending.delete()
    invitation = FacilitatorInvitation.objects.create(group=group, email=email, invited_by=by)
    send_templated_email(
        template="facilitator_invitation",
        to=[email],
        context={
            "group": group,
            "inviter": by,
            "url": absolute_url(reverse("invitation_accept", args=[invitation.token])),
            "days": settings.INVITATION_VALID_DAYS,
        },
    )
    return invitation, True


class AdviserLimitReached(Exception):
    """Too many adviser requests from this facilitator, or to this professional, today."""


@transaction.atomic
def adviser_invite(*, group, professional, by):
    """Ask a verified professional to be named as the group's adviser, by e-mail, within the limits."""
    if not allow_email("adviser", sender=f"user:{by.pk}", recipient=professional.email):
        raise AdviserLimitReached
    adviser = GroupAdviser.objects.create(group=group, user=professional, invited_by=by)
    send_templated_email(
        template="adviser_invitation",
        to=[professional.email],
        context={"group": group, "url": absolute_url(reverse("professional_me"))},
    )
    return adviser


@transaction.atomic
def invitation_accept(*, invitation, user):
    group = invitation.group
    GroupFacilitator.objects.get_or_create(group=group, user=user, defaults={"role": GroupFacilitator.Role.CO})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _record(group, Action.FACILITATOR_ADDED, by=user, note=user.display_name)
    send_templated_email(
        template="facilitator_joined",
        to=group.facilitator_emails(exclude=user.email),
        context={
            "group": group,
            "facilitator": user,
            "url": absolute_url(reverse("group_facilitators", args=[group.slug])),
        },
    )


@transaction.atomic
def facilitator_remove(*, facilitation, by):
    group = facilitation.group
    name = facilitation.user.display_name
    facilitation.delete()
    _record(group, Action.FACILITATOR_REMOVED, by=by, note=name)


# --- Reports -----------------------------------------------------------------------------


class ReportLimitReached(Exception):
    pass


@transaction.atomic
def report_create(*, group, by, reason, text, submission=None):
    """A report from a member (`by`), or from someone not signed in (`by=None`: the view's
    per-address rate limits stand in for the daily limit a member has), with the moderators'
    e-mails and the form's token (dbtselfhelp.submissions); None when the form was acted on already."""
    if submission is not None and not submission.record():
        return None
    since = timezone.now() - timedelta(days=1)
    if by is not None and (
        Report.objects.filter(reporter=by, created_at__gte=since).count() >= settings.REPORTS_PER_USER_PER_DAY
    ):
        raise ReportLimitReached
    report = Report.objects.create(group=group, reporter=by, reason=reason, text=text)
    send_templated_email(
        template="report_received",
        to=moderator_emails(),
        context={"report": report, "group": group, "url": absolute_url(reverse("moderation"))},
    )
    return report


@transaction.atomic
def report_close(*, report, by, resolved=True, note=""):
    report.status = Report.Status.RESOLVED if resolved else Report.Status.DISMISSED
    report.resolved_by = by
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    action = Action.REPORT_RESOLVED if resolved else Action.REPORT_DISMISSED
    _record(report.group, action, by=by, note=note or report.get_reason_display())


@transaction.atomic
def report_ask_facilitators(*, report, by, question):
    """A moderator answers a report by asking the group's facilitators a question: e-mailed to
    them (replies go to the site's contact address, never to the moderator's own), and kept in
    the listing's history with the question itself. The reporter is never named."""
    _record(report.group, Action.FACILITATORS_ASKED, by=by, note=question)
    send_templated_email(
        template="report_question",
        to=report.group.facilitator_emails(),
        context={
            "group": report.group,
            "question": question,
            "url": absolute_url(reverse("group_edit", args=[report.group.slug])),
        },
        reply_to=[settings.CONTACT_EMAIL],
    )


# --- Freshness ----------------------------------------------------------------------------


def sweep_listings(*, now=None):
    """Remind at 60 days, mark (by date alone) at 90, archive at 180. Idempotent.

    Also erases the messages of join requests decided more than 30 days ago.
    Returns counts {"reminded": n, "archived": n, "messages_erased": n}."""
    from .membership import erase_old_request_messages

    now = now or timezone.now()
    published = PeerGroup.objects.published()
    counts = {"reminded": 0, "archived": 0, "messages_erased": erase_old_request_messages(now=now)}

    archive_before = now - timedelta(days=settings.LISTING_ARCHIVE_DAYS)
    for group in published.filter(last_confirmed_at__lte=archive_before):
        with transaction.atomic():  # each listing with its e-mail, or neither
            group_archive(
                group=group,
                reason=NOT_CONFIRMED_IN_TIME,
                tell_facilitators=False,
                now=now,
            )
            send_templated_email(
                template="listing_archived",
                to=group.facilitator_emails(),
                context={
                    "group": group,
                    "days": settings.LISTING_ARCHIVE_DAYS,
                    "url": absolute_url(reverse("group_manage")),
                },
            )
        counts["archived"] += 1

    remind_before = now - timedelta(days=settings.LISTING_REMIND_DAYS)
    for group in published.filter(last_confirmed_at__lte=remind_before, reminder_sent_at__isnull=True):
        with transaction.atomic():
            group.reminder_sent_at = now
            group.save(update_fields=["reminder_sent_at"])
            _record(group, Action.REMINDED)
            send_templated_email(
                template="listing_reminder",
                to=group.facilitator_emails(),
                context={
                    "group": group,
                    "days": group.days_since_confirmed(now),
                    "stale_days": settings.LISTING_STALE_DAYS,
                    "archive_days": settings.LISTING_ARCHIVE_DAYS,
                    "url": absolute_url(group.get_absolute_url()),
                },
            )
        counts["reminded"] += 1
    return counts
