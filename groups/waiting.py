"""People waiting for a group near them: "tell me when a group starts near here".

What is kept of where someone waits is a coarse cell (the same grid as private groups' public
points, `groups/cells.py`) and a radius, never the text they typed nor the point the search
found. A visitor's request counts only once they confirm it from the e-mail (double opt-in);
a member's is confirmed at once. Each request ends after a year, with one reminder first, and
every e-mail carries a one-click unsubscribe (RFC 8058) that needs no sign-in.

Matching is a bounding box on the indexed cell centres, then each request's own radius in SQL,
so publishing a group in a dense city looks at the requests of its neighbourhood only."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_token():
    return secrets.token_urlsafe(24)


class WaitingRequestQuerySet(models.QuerySet):
    def active(self, now):
        return self.filter(confirmed_at__isnull=False, ended_at__isnull=True, expires_at__gt=now)

    def for_address(self, email):
        return self.filter(email__iexact=email)


class WaitingRequest(models.Model):
    class Format(models.TextChoices):
        EITHER = "either", _("In person or online")
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")

    class Ended(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        EXPIRED = "expired", _("Ended after a year")
        ACCOUNT = "account", _("Stopped from the account page")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="waiting_requests",
    )
    email = models.EmailField(_("e-mail address"))
    # The coarse cell: its centre (what matching measures from), its key at the cell size in force.
    cell_latitude = models.FloatField(_("cell latitude"))
    cell_longitude = models.FloatField(_("cell longitude"))
    cell_key = models.CharField(_("cell"), max_length=40)
    area_key = models.CharField(
        _("area"), max_length=40, help_text=_("The coarser area it is counted in on the demand map.")
    )
    place_label = models.CharField(
        _("nearest town"), max_length=120, blank=True, help_text=_("The cell's nearest sizeable town.")
    )
    radius_km = models.FloatField(_("radius (km)"))
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, default=Format.EITHER)
    language = models.CharField(_("language"), max_length=8, blank=True)
    # The language the request was made in: its e-mails are written in it (a member's account
    # language wins), including the alerts the worker sends months later.
    email_language = models.CharField(_("language of the e-mails"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("created at"))
    confirm_token = models.CharField(_("confirmation token"), max_length=64, unique=True, default=new_token)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribe_token = models.CharField(_("unsubscribe token"), max_length=64, unique=True, default=new_token)
    expires_at = models.DateTimeField(_("ends at"))
    reminded_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_reason = models.CharField(_("why it ended"), max_length=16, choices=Ended.choices, blank=True)
    last_alert_at = models.DateTimeField(_("last alert at"), null=True, blank=True)

    objects = WaitingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("request to hear of a group")
        verbose_name_plural = _("requests to hear of a group")
        indexes = [
            models.Index(
                fields=["cell_latitude", "cell_longitude"],
                name="waiting_cell_point",
                condition=Q(confirmed_at__isnull=False, ended_at__isnull=True),
            ),
            models.Index(
                fields=["format", "language"],
                name="waiting_format_language",
                condition=Q(confirmed_at__isnull=False, ended_at__isnull=True),
            ),
            models.Index(
                fields=["area_key"], name="waiting_area", condition=Q(confirmed_at__isnull=False, ended_at__isnull=True)
            ),
            models.Index(fields=["email"], name="waiting_email"),
            models.Index(fields=["confirmed_at", "created_at"], name="waiting_unconfirmed"),
            models.Index(fields=["expires_at"], name="waiting_expires"),
        ]

    def __str__(self):
        return f"Waiting near {self.place_label or self.cell_key} ({self.get_format_display()})"

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.ended_at is None


class WaitingAlert(models.Model):
    """One group told to one waiting person: never two for the same group. An alert with no
    `sent_at` waits for the person's weekly digest."""

    class Reason(models.TextChoices):
        PUBLISHED = "published", _("A new group")
        REOPENED = "reopened", _("Taking new members again")

    request = models.ForeignKey(
        WaitingRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="alerts"
    )
    group = models.ForeignKey(
        "groups.PeerGroup", verbose_name=_("group"), on_delete=models.CASCADE, related_name="waiting_alerts"
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert to a waiting person")
        verbose_name_plural = _("alerts to waiting people")
        constraints = [models.UniqueConstraint(fields=["request", "group"], name="one_alert_per_group")]
        indexes = [models.Index(fields=["sent_at", "request"], name="waiting_alert_pending")]

    def __str__(self):
        return f"{self.group} for {self.request} ({self.get_reason_display()})"
