"""Every e-mail the site sends, kept until it has gone: a mail server that refuses loses nothing."""

from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# After the nth failed attempt the next one waits RETRY_DELAYS[n - 1]: about two days in all,
# so a mail server that is down over a weekend night loses nothing. Then the site gives up.
RETRY_DELAYS = [timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 180, 360, 720, 1440)]
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


class OutgoingEmailQuerySet(models.QuerySet):
    def queued(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def due(self, now):
        return self.queued().filter(next_attempt_at__lte=now)

    def for_address(self, email):
        """Mail to this address, or sent for it (the contact form replies to the visitor)."""
        return self.filter(Q(to__iexact=email) | Q(reply_to__iexact=email))


class OutgoingEmail(models.Model):
    """One message to one address. Queued until sent; given up (and kept for an administrator to see)
    after MAX_ATTEMPTS failures."""

    to = models.EmailField(_("to"))
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("text"))
    html = models.TextField(_("HTML"), blank=True)
    template = models.CharField(_("template"), max_length=100, blank=True)
    headers = models.JSONField(_("extra headers"), default=dict, blank=True)  # e.g. List-Unsubscribe
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mail")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="outbox_next_attempt"),
            models.Index(fields=["sent_at"], name="outbox_sent"),
            models.Index(fields=["failed_at"], name="outbox_failed"),
        ]

    def __str__(self):
        return f"{self.template or self.subject} to {self.to}"

    @property
    def status(self):
        if self.sent_at:
            return _("sent")
        if self.failed_at:
            return _("given up")
        return _("queued")

    def as_message(self):
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.body,
            to=[self.to],
            reply_to=[self.reply_to] if self.reply_to else None,
            headers=self.headers or None,
        )
        if self.html:
            message.attach_alternative(self.html, "text/html")
        return message

    def record_success(self, now):
        """One statement, and the object changes only once it has run, so it can simply be tried again."""
        attempts = self.attempts + 1
        OutgoingEmail.objects.filter(pk=self.pk).update(
            attempts=attempts, sent_at=now, next_attempt_at=None, last_error=""
        )
        self.attempts, self.sent_at, self.next_attempt_at, self.last_error = attempts, now, None, ""

    @property
    def error_kind(self):
        """The last error's class alone, for logs: its text can name the recipient (an SMTP
        server refusing an address quotes it), and logs never hold addresses."""
        return self.last_error.split(":", 1)[0]

    def record_failure(self, error, now):
        """Count the attempt; plan the next one, or give up after MAX_ATTEMPTS."""
        self.attempts += 1
        self.last_error = f"{type(error).__name__}: {error}"[:1000]
        if self.attempts >= MAX_ATTEMPTS:
            self.failed_at, self.next_attempt_at = now, None
        else:
            self.next_attempt_at = now + RETRY_DELAYS[self.attempts - 1]
        self.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])


class Submission(models.Model):
    """A form already acted on, known by the random token it carried (see dbtselfhelp/submissions.py).

    Saved in the same transaction as the action, so it exists exactly when the action does: a form
    sent again after an error (a 503, a lost connection, a worker killed mid-request) is recognised
    as done instead of being acted on twice or refused as "already asked"."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self):
        return self.key.split(":", 1)[0]
