"""Writes that touch several models or send e-mail: the life of a listing.

Views call these; none of this lives in signals, form.save() tricks or views. Each function
checks who may act (the person in `by`) and from which state, and refuses with
dbtselfhelp.errors.ActionRefused: the rule holds wherever it is called from, a view, Django's
shell or a management command. Each is atomic: the write, its history event and its e-mails
(kept in the outbox) are saved together, or none of them.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.emails import absolute_url, moderator_emails, send_templated_email
from dbtselfhelp.errors import ActionRefused, Incomplete, LimitReached, NotAllowed, WrongState
from dbtselfhelp.ratelimits import allow_email

from . import alerts, diffs, geocoding, notifications
from .access import require_facilitator, require_lead, require_moderator
from .models import (
    NOT_CONFIRMED_IN_TIME,
    FacilitatorInvitation,
    GroupAdviser,
    GroupFacilitator,
    ListingEvent,
    Notice,
    PeerGroup,
    Report,
)
from .waiting import WaitingAlert

Action = ListingEvent.Action
Status = PeerGroup.Status


class ListingIncomplete(Incomplete):
    """A listing without what every listing needs (a meeting time): never saved, submitted or approved."""


def check_complete(group: PeerGroup) -> None:
    """Raise ListingIncomplete unless the listing has at least one meeting time. Checked again at
    every step (save, submission, approval), whatever a form let through."""
    if not group.meeting_times.exists():
        raise ListingIncomplete(_("A listing needs at least one meeting time."))


def _record(group, action, *, by=None, note="", changes=None):
    return ListingEvent.objects.create(group=group, actor=by, action=action, note=note, changes=changes or [])


def email_facilitators(group: PeerGroup, *, template: str, url: str, exclude: str | None = None, **context) -> None:
    """E-mail the group's facilitators (all but `exclude`, an address) a template with the group and
    a link to `url` (a path on the site), plus any other context; replies go to the contact address
    when the e-mail asks them something (reply_to)."""
    reply_to = context.pop("reply_to", None)
    send_templated_email(
        template=template,
        to=group.facilitator_emails(exclude=exclude),
        context={"group": group, "url": absolute_url(url), **context},
        reply_to=reply_to,
    )


def _require_status(group, allowed):
    """Refuse a moderator's action on a listing in a state it cannot be done from."""
    if group.status not in allowed:
        raise WrongState(
            _("That cannot be done to a listing that is %(status)s.") % {"status": group.get_status_display().lower()}
        )


def place_group(group):
    """Fill in coordinates and time zone from the address when the facilitator left them empty
    (geocoding.place_listing, as the listing form does)."""
    if not group.meets_in_person and group.latitude is None:
        return
    placed = geocoding.place_listing(
        address=group.address,
        town=group.town,
        region=group.region,
        postal_code=group.postal_code,
        country=group.country,
        latitude=group.latitude,
        longitude=group.longitude,
        time_zone=group.time_zone,
    )
    if placed is None:
        return
    if group.latitude is None or group.longitude is None:
        group.latitude, group.longitude, group.location_source = placed.latitude, placed.longitude, placed.source
    group.time_zone = placed.time_zone


@transaction.atomic
def group_create(*, group: PeerGroup, meeting_formset, audiences, by) -> PeerGroup:
    """A new listing, saved as a draft, with its creator as lead facilitator."""
    group.status = Status.DRAFT
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
def group_update(*, group: PeerGroup, meeting_formset, audiences, by) -> PeerGroup:
    """Save a facilitator's edit. An edit also confirms the listing is current.

    A published listing stays published (people rely on it) but goes to the moderators'
    "changed" queue with what changed since it was last reviewed. Members hear of new meeting
    times, a new place or meeting link (groups/notifications.py); a published group that opens
    to new members again tells the people waiting near it (on the worker)."""
    require_facilitator(group, by)
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
    changes = group.changes_since_review() if group.status == Status.PUBLISHED else []
    if group.status == Status.PUBLISHED:
        group.has_unreviewed_changes = bool(changes)
        group.save(update_fields=["has_unreviewed_changes"])
    _record(group, Action.EDITED, by=by, changes=diffs.history_records(group.changes_since_review) if changes else [])
    notifications.note_group_edited(group=group, before=before, by=by, now=timezone.now())
    if group.status == Status.PUBLISHED and group.accepting_new_members and not was_open:
        alerts.enqueue_alerts(group=group, reason=WaitingAlert.Reason.REOPENED)
    return group


@transaction.atomic
def notice_post(*, notice: Notice, group: PeerGroup, by) -> Notice:
    """Post a dated notice; one that cancels a meeting changes the group's calendar. Members hear of it."""
    require_facilitator(group, by)
    notice.group, notice.created_by = group, by
    notice.save()
    group.note_calendar_change(timezone.now())
    notifications.note_notice_posted(notice=notice, by=by, now=timezone.now())
    return notice


@transaction.atomic
def notice_delete(*, notice: Notice, by) -> None:
    """Remove a notice (a cancellation called off): members who were told of it hear so."""
    group = notice.group
    require_facilitator(group, by)
    notifications.note_notice_removed(notice=notice, by=by, now=timezone.now())
    notice.delete()
    group.note_calendar_change(timezone.now())


@transaction.atomic
def group_submit(*, group: PeerGroup, by) -> None:
    """A facilitator sends a draft (or a rejected or archived listing) to the moderators."""
    require_facilitator(group, by)
    if group.status not in (Status.DRAFT, Status.REJECTED, Status.ARCHIVED):
        raise WrongState(_("This listing is not a draft, so there is nothing to submit."))
    check_complete(group)
    group.status = Status.PENDING
    group.submitted_at = timezone.now()
    group.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(group, Action.SUBMITTED, by=by)
    send_templated_email(
        template="listing_submitted",
        to=moderator_emails(),
        context={"group": group, "url": absolute_url(reverse("moderation_group", args=[group.slug]))},
    )


def _mark_reviewed(group, by):
    group.reviewed_at = timezone.now()
    group.reviewed_by = by
    group.review_snapshot = group.snapshot()
    group.has_unreviewed_changes = False


# Which states a moderator's decision can be taken from: the one home of these rules.
DECISIONS = {
    "approve": frozenset({Status.PENDING, Status.PUBLISHED}),
    "reject": frozenset({Status.PENDING}),
    "unpublish": frozenset({Status.PUBLISHED}),
    "archive": frozenset({Status.PUBLISHED, Status.PENDING, Status.DRAFT, Status.REJECTED}),
}


def check_decision(*, group: PeerGroup, by, decision: str) -> None:
    """Refuse unless `by` may take `decision` (a key of DECISIONS) on the listing as it is now.
    Each decision's service checks this first; the console asks it too before it reads the form."""
    require_moderator(by)
    _require_status(group, DECISIONS[decision])


def _require_reason(reason):
    if not (reason or "").strip():
        raise Incomplete(_("Please give a reason."))


@transaction.atomic
def group_approve(*, group: PeerGroup, by, note: str = "") -> None:
    """Publish a pending listing, or accept the changes to a published one (a moderator's)."""
    check_decision(group=group, by=by, decision="approve")
    check_complete(group)
    was_published = group.status == Status.PUBLISHED
    group.status = Status.PUBLISHED
    group.rejection_reason = ""
    _mark_reviewed(group, by)
    group.save()
    _record(group, Action.CHANGES_REVIEWED if was_published else Action.APPROVED, by=by, note=note)
    if not was_published:
        email_facilitators(group, template="listing_approved", url=group.get_absolute_url())
        alerts.enqueue_alerts(group=group, reason=WaitingAlert.Reason.PUBLISHED)  # the people waiting near it


@transaction.atomic
def group_reject(*, group: PeerGroup, by, reason: str) -> None:
    """A moderator turns down a listing waiting for review, with a reason the facilitators read."""
    check_decision(group=group, by=by, decision="reject")
    _require_reason(reason)
    group.status = Status.REJECTED
    group.rejection_reason = reason
    _mark_reviewed(group, by)
    group.save()
    _record(group, Action.REJECTED, by=by, note=reason)
    email_facilitators(group, template="listing_rejected", url=reverse("group_edit", args=[group.slug]), reason=reason)


@transaction.atomic
def group_unpublish(*, group: PeerGroup, by, reason: str) -> None:
    """A moderator takes a published listing back to draft, with a reason the facilitators read."""
    check_decision(group=group, by=by, decision="unpublish")
    _require_reason(reason)
    group.status = Status.DRAFT
    group.has_unreviewed_changes = False
    group.save(update_fields=["status", "has_unreviewed_changes", "updated_at"])
    _record(group, Action.UNPUBLISHED, by=by, note=reason)
    email_facilitators(
        group, template="listing_unpublished", url=reverse("group_edit", args=[group.slug]), reason=reason
    )


def _archive(group, *, by, reason, tell_facilitators, now):
    was = group.status
    group.status = Status.ARCHIVED
    group.has_unreviewed_changes = False
    group.save(update_fields=["status", "has_unreviewed_changes", "updated_at"])
    _record(group, Action.ARCHIVED, by=by, note=reason)
    notifications.note_archived(group=group, was=was, by=by, now=now, tell_facilitators=tell_facilitators)


@transaction.atomic
def group_archive(*, group: PeerGroup, by, reason: str = "", now=None) -> None:
    """A moderator archives a listing; members and co-facilitators hear of it. (The sweep archives
    what is not confirmed in time on its own account, below.)"""
    check_decision(group=group, by=by, decision="archive")
    _archive(group, by=by, reason=reason, tell_facilitators=True, now=now or timezone.now())


@transaction.atomic
def group_confirm(*, group: PeerGroup, by) -> None:
    """'This listing is still correct.'"""
    require_facilitator(group, by)
    group.last_confirmed_at = timezone.now()
    group.reminder_sent_at = None
    group.save(update_fields=["last_confirmed_at", "reminder_sent_at", "updated_at"])
    _record(group, Action.CONFIRMED, by=by)


# --- Facilitators ------------------------------------------------------------------------


class InvitationLimitReached(LimitReached):
    """Too many invitations from this facilitator, or to this address, today."""


@transaction.atomic
def facilitator_invite(*, group: PeerGroup, email: str, by) -> tuple[FacilitatorInvitation, bool]:
    """The lead facilitator invites someone to co-facilitate: (invitation, sent). A pending
    invitation to the same address for the same group is reused and not sent again; a new one
    counts against the e-mail limits per sender and per recipient (InvitationLimitReached when
    over either)."""
    require_lead(group, by)
    email = email.strip().lower()
    if group.facilitators.filter(user__email__iexact=email).exists():
        raise ActionRefused(_("That person already facilitates this group."), status=400)
    pending = FacilitatorInvitation.objects.filter(group=group, email=email, accepted_at__isnull=True).first()
    if pending is not None and not pending.is_expired:
        return pending, False
    if not allow_email("invitation", sender=f"user:{by.pk}", recipient=email):
        raise InvitationLimitReached(_("You have sent as many invitations as we allow in a day. Please try tomorrow."))
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


@transaction.atomic
def invitation_cancel(*, invitation: FacilitatorInvitation, by) -> None:
    """The lead facilitator withdraws an invitation not accepted yet."""
    require_lead(invitation.group, by)
    if invitation.accepted_at is not None:
        raise WrongState(_("This invitation has been accepted already."))
    invitation.delete()


def invitation_problem(invitation: FacilitatorInvitation, user) -> str:
    """Why `user` cannot accept this invitation, or "" when they can: the invitation page shows it."""
    addresses = {a.lower() for a in user.emailaddress_set.filter(verified=True).values_list("email", flat=True)}
    if invitation.accepted_at is not None:
        return _("This invitation has been accepted already.")
    if invitation.is_expired:
        return _("This invitation has expired. Ask the lead facilitator to send a new one.")
    if invitation.email.lower() not in addresses:
        return _("This invitation was sent to another e-mail address. Sign in with that address to accept it.")
    if invitation.group.is_facilitator(user):
        return _("You already facilitate this group.")
    return ""


@transaction.atomic
def invitation_accept(*, invitation: FacilitatorInvitation, user) -> None:
    """The person invited (signed in with the address it went to) becomes a co-facilitator; the
    other facilitators hear of it."""
    problem = invitation_problem(invitation, user)
    if problem:
        raise NotAllowed(problem)
    group = invitation.group
    GroupFacilitator.objects.get_or_create(group=group, user=user, defaults={"role": GroupFacilitator.Role.CO})
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _record(group, Action.FACILITATOR_ADDED, by=user, note=user.display_name)
    email_facilitators(
        group,
        template="facilitator_joined",
        url=reverse("group_facilitators", args=[group.slug]),
        exclude=user.email,
        facilitator=user,
    )


@transaction.atomic
def facilitator_remove(*, facilitation: GroupFacilitator, by) -> None:
    """The lead facilitator removes a co-facilitator (never the lead)."""
    group = facilitation.group
    require_lead(group, by)
    if facilitation.role == GroupFacilitator.Role.LEAD:
        raise WrongState(_("The lead facilitator cannot be removed."))
    name = facilitation.user.display_name
    facilitation.delete()
    _record(group, Action.FACILITATOR_REMOVED, by=by, note=name)


# --- Advisers -----------------------------------------------------------------------------


class AdviserLimitReached(LimitReached):
    """Too many adviser requests from this facilitator, or to this professional, today."""


@transaction.atomic
def adviser_invite(*, group: PeerGroup, professional, by) -> GroupAdviser:
    """A facilitator asks a verified professional to be named as the group's adviser, by e-mail,
    within the limits."""
    require_facilitator(group, by)
    if not allow_email("adviser", sender=f"user:{by.pk}", recipient=professional.email):
        raise AdviserLimitReached(_("You have asked as many professionals as we allow in a day. Please try tomorrow."))
    adviser = GroupAdviser.objects.create(group=group, user=professional, invited_by=by)
    send_templated_email(
        template="adviser_invitation",
        to=[professional.email],
        context={"group": group, "url": absolute_url(reverse("professional_me"))},
    )
    return adviser


@transaction.atomic
def adviser_respond(*, adviser: GroupAdviser, by, accept: bool) -> GroupAdviser:
    """The professional asked, and only they, accepts or declines being the group's adviser."""
    if by is None or adviser.user_id != by.pk:
        raise NotAllowed(_("Only the professional who was asked can answer."))
    if adviser.status != GroupAdviser.Status.INVITED:
        raise WrongState(_("This request has already been answered."))
    adviser.status = GroupAdviser.Status.ACCEPTED if accept else GroupAdviser.Status.DECLINED
    adviser.responded_at = timezone.now()
    adviser.save(update_fields=["status", "responded_at"])
    return adviser


# --- Reports -----------------------------------------------------------------------------


class ReportLimitReached(LimitReached):
    """A member has sent as many reports as they may in a day."""


@transaction.atomic
def report_create(*, group: PeerGroup, by, reason: str, text: str, submission=None) -> Report | None:
    """A report from a member (`by`), or from someone not signed in (`by=None`: the view's
    per-address rate limits stand in for the daily limit a member has), with the moderators'
    e-mails and the form's token (dbtselfhelp.submissions); None when the form was acted on already."""
    if submission is not None and not submission.record():
        return None
    since = timezone.now() - timedelta(days=1)
    if by is not None and (
        Report.objects.filter(reporter=by, created_at__gte=since).count() >= settings.REPORTS_PER_USER_PER_DAY
    ):
        raise ReportLimitReached(_("You have sent several reports today. Please try again tomorrow."))
    report = Report.objects.create(group=group, reporter=by, reason=reason, text=text)
    send_templated_email(
        template="report_received",
        to=moderator_emails(),
        context={"report": report, "group": group, "url": absolute_url(reverse("moderation"))},
    )
    return report


def _require_open(report):
    if report.status != Report.Status.OPEN:
        raise WrongState(_("This report has already been closed."))


@transaction.atomic
def report_close(*, report: Report, by, resolved: bool = True, note: str = "") -> None:
    """A moderator resolves or dismisses an open report; the listing's history keeps it."""
    require_moderator(by)
    _require_open(report)
    report.status = Report.Status.RESOLVED if resolved else Report.Status.DISMISSED
    report.resolved_by = by
    report.resolved_at = timezone.now()
    report.save(update_fields=["status", "resolved_by", "resolved_at"])
    action = Action.REPORT_RESOLVED if resolved else Action.REPORT_DISMISSED
    _record(report.group, action, by=by, note=note or report.get_reason_display())


@transaction.atomic
def report_ask_facilitators(*, report: Report, by, question: str) -> None:
    """A moderator answers a report by asking the group's facilitators a question: e-mailed to
    them (replies go to the site's contact address, never to the moderator's own), and kept in
    the listing's history with the question itself. The reporter is never named."""
    require_moderator(by)
    _require_open(report)
    _record(report.group, Action.FACILITATORS_ASKED, by=by, note=question)
    email_facilitators(
        report.group,
        template="report_question",
        url=reverse("group_edit", args=[report.group.slug]),
        question=question,
        reply_to=[settings.CONTACT_EMAIL],
    )


# --- Freshness ----------------------------------------------------------------------------


def sweep_listings(*, now=None) -> dict[str, int]:
    """Remind at 60 days, mark (by date alone) at 90, archive at 180. Idempotent.

    The site acts here on its own account (no `by`): the rules are the dates. Also erases the
    messages of join requests decided more than 30 days ago.
    Returns counts {"reminded": n, "archived": n, "messages_erased": n}."""
    from .membership import erase_old_request_messages

    now = now or timezone.now()
    published = PeerGroup.objects.published()
    counts = {"reminded": 0, "archived": 0, "messages_erased": erase_old_request_messages(now=now)}

    archive_before = now - timedelta(days=settings.LISTING_ARCHIVE_DAYS)
    for group in published.filter(last_confirmed_at__lte=archive_before):
        with transaction.atomic():  # each listing with its e-mail, or neither
            # The facilitators hear of it in this e-mail of its own, not the members' one.
            _archive(group, by=None, reason=NOT_CONFIRMED_IN_TIME, tell_facilitators=False, now=now)
            email_facilitators(
                group, template="listing_archived", url=reverse("group_manage"), days=settings.LISTING_ARCHIVE_DAYS
            )
        counts["archived"] += 1

    remind_before = now - timedelta(days=settings.LISTING_REMIND_DAYS)
    for group in published.filter(last_confirmed_at__lte=remind_before, reminder_sent_at__isnull=True):
        with transaction.atomic():
            group.reminder_sent_at = now
            group.save(update_fields=["reminder_sent_at"])
            _record(group, Action.REMINDED)
            email_facilitators(
                group,
                template="listing_reminder",
                url=group.get_absolute_url(),
                days=group.days_since_confirmed(now),
                stale_days=settings.LISTING_STALE_DAYS,
                archive_days=settings.LISTING_ARCHIVE_DAYS,
            )
        counts["reminded"] += 1
    return counts
