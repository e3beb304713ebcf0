"""Joining a group: requests, decisions, leaving, and the retention of request messages.

Each write and the e-mail it causes are one transaction: both are saved, or neither. The e-mail
is sent afterwards (through django.tasks), so a mail server that is down never loses or blocks a
request. Each function checks the person it acts for: a facilitator of the group decides, the
member themselves withdraws or leaves; a refusal is a JoinError (dbtselfhelp.errors.ActionRefused).
"""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.emails import absolute_url, send_templated_email
from dbtselfhelp.errors import ActionRefused

from .access import require_facilitator
from .models import JoinRequest, PeerGroup

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from .services import email_facilitators

Status = JoinRequest.Status


class JoinError(ActionRefused):
    """A request that cannot be made or decided now (409); the message is for the person."""

    status = 409


def _require_own(request, by):
    if by is None or request.user_id != by.pk:
        raise JoinError(_("Only the member who asked can do that."), status=403)


def _decide(request, status, *, by, note=""):
    request.status = status
    request.decided_at = timezone.now()
    request.decided_by = by
    request.decision_note = note.strip()
    request.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])


def join_closed_reason(group: PeerGroup) -> "str | _StrPromise":
    """Why a group takes no new requests now, or "" when it does."""
    if not group.accepting_new_members:
        return _("This group is not taking new members at the moment.")
    if group.is_full:
        return _("This group is full at the moment.")
    return ""


@transaction.atomic
def join_request_create(*, group: PeerGroup, user, message: str, submission=None) -> tuple[JoinRequest | None, bool]:
    """A member asks to join. One open or approved request per member and group, enforced by
    the database: a double submit (two tabs, a double click) creates one request. The request,
    the facilitators' e-mails and the form's token (dbtselfhelp.submissions) are saved together.
    (request, created); a form already acted on gives (its request, False)."""
    if submission is not None and not submission.record():
        return JoinRequest.objects.open_or_approved().filter(group=group, user=user).first(), False
    if group.status != PeerGroup.Status.PUBLISHED:
        raise JoinError(_("This group is not taking requests."))
    if group.is_facilitator(user):
        raise JoinError(_("You already facilitate this group."))
    reason = join_closed_reason(group)
    if reason:
        raise JoinError(reason)
    since = timezone.now() - timedelta(days=1)
    if JoinRequest.objects.filter(user=user, created_at__gte=since).count() >= settings.JOIN_REQUESTS_PER_DAY:
        raise JoinError(
            _("You have sent several requests today. Please wait until tomorrow to send another."), status=429
        )
    try:
        with transaction.atomic():
            request = JoinRequest.objects.create(group=group, user=user, message=message.strip())
    except IntegrityError:
        existing = JoinRequest.objects.open_or_approved().filter(group=group, user=user).first()
        if existing is None:
            raise
        return existing, False
    email_facilitators(
        group,
        template="join_request_received",
        url=reverse("group_requests", args=[group.slug]),
        member=user,
        request=request,
    )
    return request, True


@transaction.atomic
def join_request_withdraw(*, request: JoinRequest, by) -> None:
    """The member takes back a request still waiting for an answer."""
    _require_own(request, by)
    if request.status != Status.PENDING:
        raise JoinError(_("Only a request that is still waiting can be withdrawn."))
    request.status = Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])


@transaction.atomic
def membership_leave(*, request: JoinRequest, by) -> None:
    """The member leaves the group."""
    _require_own(request, by)
    if request.status != Status.APPROVED:
        raise JoinError(_("You are not a member of this group."))
    _decide(request, Status.REMOVED, by=request.user)


def join_request_approve(*, request: JoinRequest, by, note: str = "") -> JoinRequest:
    """A facilitator of the group approves a waiting request. Capacity holds under concurrency:
    the group's row is locked (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises writers), so
    two facilitators approving the last two requests for the last seat at once leave the group
    at capacity."""
    with transaction.atomic():
        group = PeerGroup.objects.select_for_update().get(pk=request.group_id)
        require_facilitator(group, by)
        request = JoinRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != Status.PENDING:
            raise JoinError(_("This request has already been answered."))
        if group.capacity is not None and group.join_requests.approved().count() >= group.capacity:
            raise JoinError(_("The group is full: raise its capacity or remove a member first."))
        _decide(request, Status.APPROVED, by=by, note=note)
        send_templated_email(
            template="join_request_approved",
            to=[request.user.email],
            context={
                "group": group,
                "request": request,
                "url": absolute_url(group.get_absolute_url()),
                "my_groups": absolute_url(reverse("group_manage")),
            },
        )
    return request


def join_request_decline(*, request: JoinRequest, by, note: str = "") -> JoinRequest:
    """A facilitator of the group declines a waiting request; the member is told kindly, with a
    search for other groups."""
    with transaction.atomic():
        request = JoinRequest.objects.select_for_update().select_related("group").get(pk=request.pk)
        require_facilitator(request.group, by)
        if request.status != Status.PENDING:
            raise JoinError(_("This request has already been answered."))
        _decide(request, Status.DECLINED, by=by, note=note)
        group = request.group
        near = f"{group.town}, {group.region}".strip(", ") if group.meets_in_person else ""
        search = reverse("group_list") + (f"?near={near}" if near else "?format=online")
        send_templated_email(
            template="join_request_declined",
            to=[request.user.email],
            context={"group": group, "request": request, "search_url": absolute_url(search.replace(" ", "+"))},
        )
    return request


@transaction.atomic
def membership_remove(*, request: JoinRequest, by, note: str = "") -> None:
    """A facilitator of the group removes a member."""
    require_facilitator(request.group, by)
    if request.status != Status.APPROVED:
        raise JoinError(_("That person is not a member."))
    _decide(request, Status.REMOVED, by=by, note=note)


def erase_old_request_messages(*, now=None) -> int:
    """Erase the message of every request decided more than JOIN_MESSAGE_RETENTION_DAYS ago."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOIN_MESSAGE_RETENTION_DAYS)
    return (
        JoinRequest.objects.exclude(status=Status.PENDING)
        .filter(decided_at__lte=cutoff, message_erased_at__isnull=True)
        .update(message="", message_erased_at=now)
    )
