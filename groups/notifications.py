"""Members hear about changes: when a facilitator posts or withdraws a notice, changes the meeting
times, the place or the meeting link of a published group, or the listing is archived, the group's
approved members and co-facilitators (not whoever made the change) get one e-mail saying what
changed, unless they asked for none about that group.

How it holds together:

- the service making the change records a `GroupChange` in its own transaction and queues the
  task `send_change_emails` with it: with the database task backend the task is a row saved in
  that same transaction, so a change that rolls back leaves neither (with the immediate backend,
  `make run` and the tests, the task runs once the transaction commits);
- the task, on the worker, claims the change (a conditional update of `sent_at`) and queues one
  e-mail per person in the outbox, all in one transaction: a worker killed half-way leaves
  nothing, and a task run again (or two at once) finds the change claimed and sends nothing, so
  no one gets two e-mails for one change;
- a task lost with a killed worker (django-tasks-db leaves it "running") is picked up by the
  worker's sweep (`sweep`) once the change is OVERDUE;
- who is told is worked out when the e-mails are queued: the approved members and facilitators
  at that moment, so someone removed in between hears nothing. They are the people entitled to a
  private group's address and meeting link, and each e-mail checks that again for its reader.

The opt-out is a row per person and group (`ChangeEmailOptOut`): set from My groups, or from the
link in every e-mail, which is signed (django.core.signing) and works without signing in.
"""

import functools
import logging
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.emails import absolute_url, send_templated_email
from dbtselfhelp.errors import NotAllowed

from .models import ChangeEmailOptOut, GroupChange, GroupFacilitator, JoinRequest, MeetingTime, PeerGroup

logger = logging.getLogger(__name__)

Kind = GroupChange.Kind
OVERDUE = timedelta(minutes=5)  # a change not sent by then lost its task: the sweep sends it
KEEP = timedelta(days=30)  # sent changes are deleted after this
STOP_SALT = "groups.change-emails.stop"


# --- What changed -------------------------------------------------------------------------


def schedule_lines(group, meetings):
    return [
        f"{m.rule_display()}, {time_format(m.start, 'g:i A')}–{time_format(m.end, 'g:i A')}"
        for m in sorted(meetings, key=lambda m: (m.weekday, m.start, m.pk or 0))
    ]


def _facts(group, meetings):
    """What members are told about when it changes. Held in memory only: never saved."""
    return {
        "schedule": sorted(
            (m.weekday, m.start.isoformat(), m.end.isoformat(), m.recurrence, str(m.starts_on), m.week_of_month or 0)
            for m in meetings
        )
        + [group.time_zone],
        "schedule_text": schedule_lines(group, meetings),
        "in_person": group.meets_in_person,
        "place": [group.venue, group.address, group.town, group.region, group.postal_code, group.country],
        "online": group.meets_online,
        "link": group.meeting_url,
    }


def facts_before_edit(group):
    """The group as the database holds it, before an edit saves the form's values over it."""
    saved = PeerGroup.objects.filter(pk=group.pk).first() if group.pk else None
    if saved is None:
        return None
    return _facts(saved, list(MeetingTime.objects.filter(group=saved)))


def note_group_edited(*, group, before, by, now):
    """After an edit of a published listing: record (and queue the e-mails about) new meeting
    times, a new place or a new meeting link. None when nothing members rely on changed."""
    if before is None or group.status != PeerGroup.Status.PUBLISHED:
        return None
    after = _facts(group, list(MeetingTime.objects.filter(group=group)))
    kinds = []
    if before["schedule"] != after["schedule"]:
        kinds.append(Kind.SCHEDULE)
    if before["in_person"] != after["in_person"] or (after["in_person"] and before["place"] != after["place"]):
        kinds.append(Kind.PLACE)
    if before["online"] != after["online"] or (after["online"] and before["link"] != after["link"]):
        kinds.append(Kind.LINK)
    if not kinds:
        return None
    details = {"schedule_before": before["schedule_text"]} if Kind.SCHEDULE in kinds else {}
    return _record(group, kinds, by=by, now=now, details=details)


def _notice_details(notice):
    return {"date": notice.date.isoformat(), "text": notice.text, "cancels": notice.cancels_meeting}


def note_notice_posted(*, notice, by, now):
    if notice.group.status != PeerGroup.Status.PUBLISHED:
        return None
    return _record(notice.group, [Kind.NOTICE], by=by, now=now, details=_notice_details(notice))


def note_notice_removed(*, notice, by, now):
    """A notice withdrawn before its date has passed (removing an old one tells no one)."""
    group = notice.group
    if group.status != PeerGroup.Status.PUBLISHED or notice.date < now.astimezone(group.tz).date():
        return None
    return _record(group, [Kind.NOTICE_REMOVED], by=by, now=now, details=_notice_details(notice))


def note_archived(*, group, was, by, now, tell_facilitators=True):
    """A listing archived (by a moderator, or by the sweep when nobody confirmed it: then its
    facilitators have an e-mail of their own, and tell_facilitators is False)."""
    if was == PeerGroup.Status.ARCHIVED:
        return None
    details = {"by_sweep": by is None}
    return _record(group, [Kind.ARCHIVED], by=by, now=now, details=details, tell_facilitators=tell_facilitators)


def _record(group, kinds, *, by, now, details, tell_facilitators=True):
    change = GroupChange.objects.create(
        group=group,
        actor=by if by is not None and by.is_authenticated else None,
        kinds=[str(k) for k in kinds],
        details=details,
        tell_facilitators=tell_facilitators,
        created_at=now,
    )
    _enqueue(change.pk)
    return change


# --- The task -----------------------------------------------------------------------------


@task
def send_change_emails(change_id):
    """Queue the e-mails about one change; the number queued (0 when it was done already)."""
    return deliver_change(change_id=change_id)


def _queued_in_database():
    from django_tasks_db import DatabaseBackend

    return isinstance(send_change_emails.get_backend(), DatabaseBackend)


def _enqueue(change_id):
    """The task with the change's transaction (database backend), or once it commits (immediate)."""
    if _queued_in_database():
        send_change_emails.enqueue(change_id)
    else:
        transaction.on_commit(functools.partial(_run_after_commit, change_id), robust=True)


def _run_after_commit(change_id):
    try:
        result = send_change_emails.enqueue(change_id)
    except Exception:
        logger.exception("Change %s: its e-mails could not be queued as a task; the sweep sends them", change_id)
        return
    if result.status == TaskResultStatus.FAILED:
        logger.error(
            "Change %s: queuing its e-mails failed (%s); the sweep sends them",
            change_id,
            result.errors[-1].exception_class_path,
        )


def recipients(change):
    """The people to tell, now: approved members and (unless the change says not) facilitators,
    active, not the person who made the change, not those who asked for no such e-mails."""
    group = change.group
    ids = set(JoinRequest.objects.approved().filter(group=group).values_list("user_id", flat=True))
    if change.tell_facilitators:
        ids |= set(GroupFacilitator.objects.filter(group=group).values_list("user_id", flat=True))
    ids.discard(change.actor_id)
    ids -= set(ChangeEmailOptOut.objects.filter(group=group).values_list("user_id", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def deliver_change(*, change_id, now=None):
    """Claim the change and queue one e-mail for each person to tell, in one transaction: all of
    them or none, and never a second time. The number of e-mails queued."""
    now = now or timezone.now()
    with transaction.atomic():
        if not GroupChange.objects.filter(pk=change_id, sent_at__isnull=True).update(sent_at=now):
            return 0  # sent already, or being sent by another worker, or the group is gone
        change = GroupChange.objects.select_related("group", "actor").get(pk=change_id)
        people = recipients(change)
        shared = _shared_context(change)
        for person in people:
            send_templated_email(template="group_changed", to=[person.email], context=_context(change, person, shared))
        GroupChange.objects.filter(pk=change_id).update(recipient_count=len(people))
    return len(people)


def sweep(*, now):
    """Send the changes whose task was lost, and delete old ones. Run by the worker's sweep."""
    sent = 0
    overdue = GroupChange.objects.filter(sent_at__isnull=True, created_at__lte=now - OVERDUE)
    for change_id in overdue.order_by("created_at").values_list("pk", flat=True)[:100]:
        sent += deliver_change(change_id=change_id, now=now)
    GroupChange.objects.filter(sent_at__lt=now - KEEP).delete()
    return sent


# --- The e-mail ---------------------------------------------------------------------------


def _shared_context(change):
    group, details, kinds = change.group, change.details, set(change.kinds)
    notice_day = date.fromisoformat(details["date"]) if "date" in details else None
    week = group.rotation_week(change.created_at) if Kind.ARCHIVED not in kinds else None
    actor = change.actor
    return {
        "group": group,
        "notice_posted": Kind.NOTICE in kinds,
        "notice_removed": Kind.NOTICE_REMOVED in kinds,
        "schedule_changed": Kind.SCHEDULE in kinds,
        "place_changed": Kind.PLACE in kinds,
        "link_changed": Kind.LINK in kinds,
        "archived": Kind.ARCHIVED in kinds,
        "by_sweep": details.get("by_sweep", False),
        "notice_date": notice_day,
        "notice_text": details.get("text", ""),
        "cancels": details.get("cancels", False),
        "schedule": schedule_lines(group, list(group.meeting_times.all())) if Kind.SCHEDULE in kinds else [],
        "schedule_before": details.get("schedule_before", []),
        "week": week,
        "week_url": absolute_url(week.lesson_url) if week else "",
        "actor_name": actor.display_name if actor is not None and group.is_facilitator(actor) else "",
        "url": absolute_url(group.get_absolute_url()),
        "my_groups": absolute_url(reverse("group_manage")),
    }


def _context(change, person, shared):
    group = shared["group"]
    show_private = group.can_see_private_details(person)
    public_place = not group.is_location_private or show_private
    location_changed = shared["place_changed"] or shared["link_changed"]
    return {
        **shared,
        "reader": person,
        "is_facilitator": group.is_facilitator(person),
        "place": ", ".join(p for p in (group.venue, group.full_address) if p) if public_place else group.public_place,
        "place_is_private": not public_place,
        "meeting_url": group.meeting_url if show_private else "",
        "keep_private": show_private and group.is_location_private and location_changed,
        "stop_url": absolute_url(reverse("change_emails_stop", args=[stop_token(group, person)])),
    }


# --- The opt-out --------------------------------------------------------------------------


def stop_token(group, user):
    """The signed part of a person's link to stop e-mails about one group's changes."""
    return signing.dumps([group.pk, user.pk], salt=STOP_SALT)


def read_stop_token(token):
    """(group, user) named by a valid token, or None for a wrong, altered or outdated one."""
    try:
        group_id, user_id = signing.loads(token, salt=STOP_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(group_id, int) and isinstance(user_id, int)):
        return None
    group = PeerGroup.objects.filter(pk=group_id).first()
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return (group, user) if group and user else None


def may_choose(group, user):
    """Those the e-mails go to may turn them off and on: approved members and facilitators."""
    return group.is_facilitator(user) or group.is_member(user)


def wants_change_emails(group, user):
    return not ChangeEmailOptOut.objects.filter(group=group, user=user).exists()


@transaction.atomic
def change_emails_choose(*, group, by, on):
    """A member or facilitator, signed in, turns the e-mails about a group's changes on or off."""
    if not may_choose(group, by):
        raise NotAllowed(_("Only the group's members and facilitators can choose its e-mails."))
    if on:
        ChangeEmailOptOut.objects.filter(group=group, user=by).delete()
    else:
        ChangeEmailOptOut.objects.get_or_create(group=group, user=by)


@transaction.atomic
def change_emails_stop(*, group, user):
    """Stop them from the link in an e-mail: the signed token names the person, so anyone it names
    may stop them (a former member too), and nothing else can be done with it."""
    ChangeEmailOptOut.objects.get_or_create(group=group, user=user)
