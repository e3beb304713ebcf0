"""The outbox: queue a message with the action that causes it, attempt it, retry it with backoff.

Every attempt first claims the message (moves its next attempt a few minutes on, only if it is
still due), so the first attempt, a task worker and any number of parallel `send_queued_email`
runs never send the same message twice. A process that dies mid-send leaves the claim to expire
and the message is tried again.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import MAX_ATTEMPTS, OutgoingEmail

logger = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)  # longer than any send can take (the SMTP timeout is 10 s)
KEEP_SENT = timedelta(days=7)  # sent messages hold personal data: deleted after this
KEEP_GIVEN_UP = timedelta(days=30)  # time for an administrator to see what never went
CONSECUTIVE_FAILURES_TO_STOP = 3  # a mail server that is down: stop this run, the next one tries again


def email_queue(*, to, subject, body, html="", reply_to="", template=""):
    """Keep a message to one address, due at once. In the caller's transaction: saved with its action, or not at all."""
    now = timezone.now()
    return OutgoingEmail.objects.create(
        to=to, subject=subject, body=body, html=html, reply_to=reply_to or "", template=template,
        created_at=now, next_attempt_at=now,
    )  # fmt: skip


def email_attempt(*, email_id, now=None):
    """Try to send one message now if it is due. The message as recorded afterwards, or None when it was
    not due (sent already, given up, or claimed by another process)."""
    now = now or timezone.now()
    email = _claim(OutgoingEmail.objects.filter(pk=email_id), now)
    return None if email is None else _deliver(email, now)


def send_due(*, now=None, limit=500):
    """Send what is due, oldest first. Stops early when the mail server fails several times in a row."""
    now = now or timezone.now()
    counts = {"sent": 0, "failed": 0, "given_up": 0}
    failures_in_a_row = 0
    for _ in range(limit):
        email = _claim(OutgoingEmail.objects.all(), now)
        if email is None:
            break
        email = _deliver(email, now)
        if email.sent_at:
            counts["sent"] += 1
            failures_in_a_row = 0
            continue
        counts["given_up" if email.failed_at else "failed"] += 1
        failures_in_a_row += 1
        if failures_in_a_row >= CONSECUTIVE_FAILURES_TO_STOP:
            break
    return counts


def purge_old(*, now=None):
    """Delete sent messages after KEEP_SENT and given-up ones after KEEP_GIVEN_UP. The number deleted."""
    now = now or timezone.now()
    sent, _ = OutgoingEmail.objects.filter(sent_at__lt=now - KEEP_SENT).delete()
    given_up, _ = OutgoingEmail.objects.filter(failed_at__lt=now - KEEP_GIVEN_UP).delete()
    return sent + given_up


def _claim(candidates, now):
    """The first due message among candidates, claimed for CLAIM, or None. Rows another process has locked
    are skipped (PostgreSQL); the conditional update makes the claim safe where there are no row locks (SQLite)."""
    with transaction.atomic():
        email = candidates.due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "pk").first()
        if email is None:
            return None
        if not OutgoingEmail.objects.due(now).filter(pk=email.pk).update(next_attempt_at=now + CLAIM):
            return None
    return email


def _deliver(email, now):
    try:
        email.as_message().send()
    except Exception as error:  # a mail server refuses in many ways; the message is kept either way
        email.record_failure(error, now)
        if email.failed_at:
            logger.error(
                "E-mail %s (#%s) was not sent after %s attempts; giving up: %s",
                email.template, email.pk, MAX_ATTEMPTS, email.error_kind,
            )  # fmt: skip
        else:
            logger.warning(
                "E-mail %s (#%s) not sent (attempt %s of %s), next attempt at %s: %s",
                email.template, email.pk, email.attempts, MAX_ATTEMPTS, email.next_attempt_at.isoformat(),
                email.error_kind,
            )  # fmt: skip
        return email
    email.record_success(now)
    return email
