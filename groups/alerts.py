"""Waiting for a group: asking, confirming, stopping, and hearing the day one opens.

Rules live here: who may ask, when a confirmation e-mail goes (at most one a day to an address),
what ends a request, who is told of which group and how often. The fan-out runs as a task on the
worker (`alert_waiting`), enqueued in the transaction of the approval or edit that causes it, so a
moderator's approval never waits for the e-mails, and is idempotent: an alert row per (request,
group) is claimed before its e-mail is queued, so a task run twice sends nothing twice."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import current_language
from dbtselfhelp.emails import send_templated_email, tasks_run_on_a_worker
from dbtselfhelp.errors import ActionRefused

from . import geo
from .cells import cell_for, cell_from_key
from .models import PeerGroup, Place
from .waiting import WaitingAlert, WaitingRequest

if TYPE_CHECKING:  # for the hints only
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

CONFIRM_HOURS = 48
LIFETIME = timedelta(days=365)
REMIND_BEFORE = timedelta(days=30)
DIGEST_EVERY = timedelta(days=7)
MAX_RADIUS_KM = 161  # 100 miles


class WaitingError(ActionRefused):
    """A request that cannot be made or changed (400, or 404 for a link that no longer works),
    with the message a person sees."""

    status = 400


def area_size_km() -> float:
    return float(settings.WAITING_AREA_KM)


def _nearest_town(lat, lng):
    box = 0.5
    places = Place.objects.filter(
        latitude__range=(lat - box, lat + box), longitude__range=(lng - box, lng + box), population__gte=5000
    ).order_by("-population")[:40]
    best = min(
        places,
        key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lng) * math.cos(math.radians(lat))) ** 2,
        default=None,
    )
    return best.label if best else ""


def _unsubscribe_headers(request):
    url = settings.SITE_URL + reverse("waiting_unsubscribe", args=[request.unsubscribe_token])
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _context(request, **extra):
    return {
        "waiting": request,
        "place": request.place_label,
        "unsubscribe_url": settings.SITE_URL + reverse("waiting_unsubscribe", args=[request.unsubscribe_token]),
        **extra,
    }


def waiting_request_create(
    *,
    user: User | AnonymousUser | None,
    email: str,
    latitude: float,
    longitude: float,
    radius_km: float,
    format: str,
    language: str,
    now: datetime,
) -> WaitingRequest:
    """Keep someone's wish to hear of a group near a point, as a coarse cell. A verified member's
    request is confirmed at once; anyone else confirms it from an e-mail, and an address gets at
    most one confirmation e-mail a day (a second ask within the day reuses the first)."""
    if not (0 < radius_km <= MAX_RADIUS_KM):
        raise WaitingError(_("Choose a distance of up to 100 miles."))
    if format not in WaitingRequest.Format.values:
        raise WaitingError(_("Choose in person, online or either."))
    member = user if user is not None and user.is_authenticated else None
    email = member.email if member else email.strip()
    cell = cell_for(latitude, longitude, size_km=settings.WAITING_CELL_KM)
    lat, lng = cell.centre
    with transaction.atomic():
        if not member:
            recent = (
                WaitingRequest.objects.for_address(email)
                .filter(confirmed_at__isnull=True, created_at__gte=now - timedelta(days=1))
                .first()
            )
            if recent is not None:
                return recent  # no second confirmation e-mail today: the first link still works
        request = WaitingRequest.objects.create(
            user=member,
            email=email,
            cell_latitude=lat,
            cell_longitude=lng,
            cell_key=cell.key,
            area_key=cell_for(lat, lng, size_km=area_size_km()).key,
            place_label=_nearest_town(lat, lng),
            radius_km=radius_km,
            format=format,
            language=language or "",
            created_at=now,
            expires_at=now + LIFETIME,
            confirmed_at=now if member else None,
            email_language=current_language(),
        )
        if not member:
            confirm = settings.SITE_URL + reverse("waiting_confirm", args=[request.confirm_token])
            send_templated_email(
                template="waiting_confirm",
                to=[email],
                context=_context(request, confirm_url=confirm),
                headers=_unsubscribe_headers(request),
                language=request.email_language,
            )
    return request


def waiting_request_confirm(*, token: str, now: datetime) -> WaitingRequest:
    request = WaitingRequest.objects.filter(confirm_token=token[:64]).first()
    if request is None or (request.confirmed_at is None and request.created_at < now - timedelta(hours=CONFIRM_HOURS)):
        raise WaitingError(_("This confirmation link is not valid any more. You can ask again from a search."), 404)
    if request.ended_at is not None:
        raise WaitingError(_("You stopped this request, so it cannot be confirmed. You can ask again from a search."))
    if request.confirmed_at is None:
        request.confirmed_at = now
        request.expires_at = now + LIFETIME
        request.save(update_fields=["confirmed_at", "expires_at"])
    return request


def waiting_request_end(
    *, request: WaitingRequest, now: datetime, reason: str = WaitingRequest.Ended.UNSUBSCRIBED
) -> WaitingRequest:
    if request.ended_at is None:
        request.ended_at, request.ended_reason = now, reason
        request.save(update_fields=["ended_at", "ended_reason"])
    return request


def waiting_request_end_for(*, user: User, pk: int, now: datetime) -> WaitingRequest:
    """A member stops one of their own requests from the account page."""
    request = WaitingRequest.objects.filter(user=user, pk=pk).first()
    if request is None:
        raise WaitingError(_("That request is not yours or no longer exists."), 404)
    return waiting_request_end(request=request, now=now, reason=WaitingRequest.Ended.ACCOUNT)


# --- Matching ---------------------------------------------------------------------------------


def near_point(
    queryset: QuerySet[WaitingRequest], lat: float, lng: float, radius_km: float
) -> QuerySet[WaitingRequest]:
    """Requests whose cell centre lies within radius_km of a point, from the indexed box first."""
    fields = ("cell_latitude", "cell_longitude")
    queryset = queryset.filter(geo.box_q(lat, lng, radius_km, fields=fields))
    distance = geo.distance_km_sql(lat, lng, fields=fields)
    return queryset.annotate(distance_km=distance).filter(distance_km__lte=radius_km)


def matching_requests(group: PeerGroup, now: datetime) -> QuerySet[WaitingRequest]:
    """The active requests a published group answers: in person (its public point within each
    request's own radius) or online (the group's language), and the person's format."""
    active = WaitingRequest.objects.active(now)
    language = Q(language="") | Q(language=group.language)
    found = WaitingRequest.objects.none()
    if group.meets_in_person and group.public_latitude is not None and group.public_longitude is not None:
        near = near_point(
            active.exclude(format=WaitingRequest.Format.ONLINE),
            group.public_latitude,
            group.public_longitude,
            MAX_RADIUS_KM,
        ).filter(distance_km__lte=F("radius_km"))  # type: ignore[misc]  # annotated by near_point
        found = found | WaitingRequest.objects.filter(pk__in=near.filter(language).values("pk"))
    if group.meets_online:
        online = active.exclude(format=WaitingRequest.Format.IN_PERSON).filter(language=group.language)
        found = found | WaitingRequest.objects.filter(pk__in=online.values("pk"))
    return found


def waiting_count_near(*, latitude: float, longitude: float, radius_km: float, now: datetime) -> int:
    """How many people wait within radius_km of a point (for the facilitator drafting a listing)."""
    return near_point(WaitingRequest.objects.active(now), latitude, longitude, radius_km).count()


HINT_RADIUS_MI = 25


def waiting_hint(group: PeerGroup | None, now: datetime) -> dict[str, Any] | None:
    """For a facilitator drafting a listing: how many wait near it (rounded, from five), or None."""
    if group is None or group.pk is None or group.status == PeerGroup.Status.PUBLISHED:
        return None
    if group.meets_in_person and group.public_latitude is not None and group.public_longitude is not None:
        count = waiting_count_near(
            latitude=group.public_latitude,
            longitude=group.public_longitude,
            radius_km=HINT_RADIUS_MI * geo.KM_PER_MILE,
            now=now,
        )
        shown = rounded_count(count)
        return {"count": shown, "radius": HINT_RADIUS_MI, "units": "mi"} if shown else None
    if group.meets_online:
        count = (
            WaitingRequest.objects.active(now)
            .exclude(format=WaitingRequest.Format.IN_PERSON)
            .filter(language=group.language)
            .count()
        )
        shown = rounded_count(count)
        return {"count": shown, "online": True} if shown else None
    return None


def rounded_count(n: int) -> int | None:
    """What may be shown of a count: nothing below the minimum, and multiples of five."""
    minimum = settings.WAITING_MIN_SHOWN
    if n < minimum:
        return None
    return max(minimum, n - n % 5)


def demand_by_area(*, now: datetime) -> list[dict[str, Any]]:
    """Areas where at least WAITING_MIN_SHOWN people wait, with their rounded counts and centres.
    Worked out once a day (UTC) and kept: counts that change at most daily, in steps of five, give
    someone watching the page nothing to subtract."""
    key = f"waiting:demand:{now.astimezone(UTC).date().isoformat()}"
    areas = cache.get(key)
    if areas is None:
        areas = _demand_by_area(now)
        cache.set(key, areas, 86400)
    return areas


def _demand_by_area(now):
    rows = (
        WaitingRequest.objects.active(now)
        .values("area_key")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.WAITING_MIN_SHOWN)
        .order_by("-n", "area_key")
    )
    areas = []
    for row in rows:
        centre = cell_from_key(row["area_key"]).centre
        areas.append(
            {
                "key": row["area_key"],
                "count": rounded_count(row["n"]),
                "centre": centre,
                "label": _nearest_town(*centre),
            }
        )
    return areas


# --- Alerts -----------------------------------------------------------------------------------


def enqueue_alerts(*, group: PeerGroup, reason: str) -> None:
    """Called in the transaction that publishes or reopens a group: the fan-out runs on the worker."""
    if tasks_run_on_a_worker():
        alert_waiting.enqueue(group.pk, reason)
    else:
        transaction.on_commit(lambda: alert_waiting.enqueue(group.pk, reason), robust=True)


@task
def alert_waiting(group_id, reason):
    send_alerts(group_id=group_id, reason=reason, now=timezone.now())


BATCH = 500


def send_alerts(*, group_id: int, reason: str, now: datetime) -> int:
    """Tell each matching person of the group once. Someone told of another group in the last week
    gets this one in their weekly digest instead. Returns how many e-mails were queued.

    In batches: the people already told are left out by one query, the rest get their alert rows
    and e-mails in one transaction (so a run cut short loses a batch, never half of one). If
    another run told some of them meanwhile, the unique (request, group) row refuses the batch and
    it is done one by one."""
    group = PeerGroup.objects.filter(pk=group_id, status=PeerGroup.Status.PUBLISHED).first()
    if group is None or not group.accepting_new_members:
        return 0
    sent, batch = 0, []
    for request in matching_requests(group, now).order_by("pk").iterator(chunk_size=BATCH):
        batch.append(request)
        if len(batch) == BATCH:
            sent, batch = sent + _alert_batch(group, batch, reason, now), []
    return sent + (_alert_batch(group, batch, reason, now) if batch else 0)


def _alert_batch(group, requests, reason, now):
    told = set(WaitingAlert.objects.filter(group=group, request__in=requests).values_list("request_id", flat=True))
    fresh = [r for r in requests if r.pk not in told]
    if not fresh:
        return 0
    try:
        with transaction.atomic():
            alerts = WaitingAlert.objects.bulk_create(
                [WaitingAlert(request=r, group=group, reason=reason, created_at=now) for r in fresh]
            )
            due = [
                (r, a)
                for r, a in zip(fresh, alerts, strict=True)
                if not (r.last_alert_at and r.last_alert_at > now - DIGEST_EVERY)
            ]
            for request, alert in due:
                alert.group = group
                _queue_alert_email(request, [alert])
            WaitingAlert.objects.filter(pk__in=[a.pk for _, a in due]).update(sent_at=now)
            WaitingRequest.objects.filter(pk__in=[r.pk for r, _ in due]).update(last_alert_at=now)
            return len(due)
    except IntegrityError:
        return sum(_alert_one(group, request, reason, now) for request in fresh)


def _alert_one(group, request, reason, now):
    with transaction.atomic():
        try:
            with transaction.atomic():
                alert = WaitingAlert.objects.create(request=request, group=group, reason=reason, created_at=now)
        except IntegrityError:
            return 0  # told already: never two e-mails about one group
        if request.last_alert_at and request.last_alert_at > now - DIGEST_EVERY:
            return 0  # waits for the digest
        _send_alert_email(request, [alert], now)
        return 1


def _queue_alert_email(request, alerts):
    groups = [
        {"group": a.group, "url": settings.SITE_URL + a.group.get_absolute_url(), "reason": a.reason} for a in alerts
    ]
    template = "waiting_alert" if len(alerts) == 1 else "waiting_digest"
    send_templated_email(
        template=template,
        to=[request.email],
        context=_context(request, groups=groups),
        headers=_unsubscribe_headers(request),
        language=request.email_language,
    )


def _send_alert_email(request, alerts, now):
    _queue_alert_email(request, alerts)
    WaitingAlert.objects.filter(pk__in=[a.pk for a in alerts]).update(sent_at=now)
    WaitingRequest.objects.filter(pk=request.pk).update(last_alert_at=now)


def send_digests(*, now: datetime) -> int:
    """One e-mail to each person whose alerts waited for a week since their last one."""
    due = (
        WaitingRequest.objects.active(now)
        .filter(alerts__sent_at__isnull=True)
        .filter(Q(last_alert_at__isnull=True) | Q(last_alert_at__lte=now - DIGEST_EVERY))
        .distinct()
    )
    count = 0
    for request in due.iterator(chunk_size=500):
        with transaction.atomic():
            alerts = list(request.alerts.filter(sent_at__isnull=True).select_related("group").select_for_update())
            alerts = [a for a in alerts if a.group.status == PeerGroup.Status.PUBLISHED]
            if alerts:
                _send_alert_email(request, alerts, now)
                count += 1
    return count


def sweep_waiting(*, now: datetime) -> dict[str, int]:
    """Daily: erase unconfirmed requests after 48 hours, remind once a month before the year
    ends, end requests after a year, and send the digests that are due."""
    erased, _ = WaitingRequest.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - timedelta(hours=CONFIRM_HOURS)
    ).delete()
    reminded = 0
    for request in WaitingRequest.objects.active(now).filter(
        reminded_at__isnull=True, expires_at__lte=now + REMIND_BEFORE
    ):
        with transaction.atomic():
            request.reminded_at = now
            request.save(update_fields=["reminded_at"])
            renew = settings.SITE_URL + reverse("waiting_renew", args=[request.unsubscribe_token])
            send_templated_email(
                template="waiting_reminder",
                to=[request.email],
                context=_context(request, renew_url=renew, ends=request.expires_at),
                headers=_unsubscribe_headers(request),
                language=request.email_language,
            )
            reminded += 1
    expired = WaitingRequest.objects.filter(ended_at__isnull=True, confirmed_at__isnull=False, expires_at__lte=now)
    ended = expired.update(ended_at=now, ended_reason=WaitingRequest.Ended.EXPIRED)
    digests = send_digests(now=now)
    # A fan-out whose worker was killed mid-way is finished here: telling is idempotent, so the
    # groups published this week are simply told again to whoever has not heard of them.
    recent = PeerGroup.objects.published().filter(reviewed_at__gte=now - timedelta(days=7)).values_list("pk", flat=True)
    caught_up = sum(send_alerts(group_id=pk, reason=WaitingAlert.Reason.PUBLISHED, now=now) for pk in recent)
    return {"erased": erased, "reminded": reminded, "ended": ended, "digests": digests, "caught_up": caught_up}


def waiting_request_renew(*, token: str, now: datetime) -> WaitingRequest:
    """Keep waiting for another year, from the reminder's link."""
    request = WaitingRequest.objects.filter(unsubscribe_token=token[:64], confirmed_at__isnull=False).first()
    if request is None or request.ended_at is not None:
        raise WaitingError(_("This request has ended. You can ask again from a search."), 404)
    request.expires_at, request.reminded_at = now + LIFETIME, None
    request.save(update_fields=["expires_at", "reminded_at"])
    return request
