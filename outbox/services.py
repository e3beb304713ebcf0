"""The outbox: queue a message with the action that causes it, attempt it, retry it with backoff.

Every attempt first claims the message (moves its next attempt a few minutes on, only if it is
still due), so the first attempt, a task worker and any number of parallel `send_queued_email`
runs never send the same message twice. A process that dies mid-send leaves the claim to expire
and the message is tried again.

Once the mail server has accepted a message, recording that is retried through a database outage
for as long as the claim holds (RECORD_WITHIN), so a short outage never makes it go twice. What
remains: a process that dies between the server's acceptance and the record, or an outage longer
than the claim; no SMTP sender can close that window, since the server's acceptance and our
record cannot be one transaction.
"""

import logging
import time
from datetime import timedelta

from django.db import IntegrityError, InterfaceError, OperationalError, connections, transaction
from django.utils import timezone

from .models import MAX_ATTEMPTS, OutgoingEmail, Submission

logger = logging.getLogger(__name__)

CLAIM = timedelta(minutes=5)  # longer than any send can take (the SMTP timeout is 10 s)
RECORD_WITHIN = timedelta(minutes=4)  # keep trying to record a send this long after the claim: before it lapses
KEEP_SENT = timedelta(days=7)  # sent messages hold personal data: deleted after this
KEEP_GIVEN_UP = timedelta(days=30)  # time for an administrator to see what never went
KEEP_SUBMISSIONS = timedelta(days=2)  # a form sent again after this long is a new one
CONSECUTIVE_FAILURES_TO_STOP = 3  # a mail server that is down: stop this run, the next one tries again
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)

# A worker sets this: after a failed send, first attempts wait this long (the message stays due and
# the next sweep sends it), so a mail server that hangs holds the worker once, not once per message.
rest_after_failure = None
_resting_until = 0.0


def email_queue(*, to, subject, body, html="", reply_to="", template="", headers=None):
    """Keep a message to one address, due at once. In the caller's transaction: saved with its action, or not at all."""
    now = timezone.now()
    return OutgoingEmail.objects.create(
        to=to,
        subject=subject,
        body=body,
        html=html,
        reply_to=reply_to or "",
        template=template,
        headers=headers or {},
        created_at=now,
        next_attempt_at=now,
    )


def email_attempt(*, email_id, now=None):
    """Try to send one message now if it is due. The message as recorded afterwards, or None when it was
    not due (sent already, given up, or claimed by another process), or the mail server is resting."""
    if time.monotonic() < _resting_until:
        return None
    now = now or timezone.now()
    email = _claim(OutgoingEmail.objects.filter(pk=email_id), now)
    return None if email is None else _deliver(email, now)


def submission_record(*, key):
    """Note that the form carrying `key` has been acted on, in the caller's transaction (so with the
    action, or not at all). False when it already was: the caller answers as it did the first time."""
    try:
        with transaction.atomic():
            Submission.objects.create(key=key)
    except IntegrityError:
        return False
    return True


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
    Submission.objects.filter(created_at__lt=now - KEEP_SUBMISSIONS).delete()
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
    global _resting_until
    claimed = time.monotonic()
    try:
        email.as_message().send()
    except Exception as error:  # a mail server refuses in many ways; the message is kept either way
        if rest_after_failure:
            _resting_until = time.monotonic() + rest_after_failure.total_seconds()
        email.record_failure(error, now)
        if email.failed_at:
            logger.error(
                "E-mail %s (#%s) was not sent after %s attempts; giving up: %s",
                email.template,
                email.pk,
                MAX_ATTEMPTS,
                email.error_kind,
            )
        else:
            logger.warning(
                "E-mail %s (#%s) not sent (attempt %s of %s), next attempt at %s: %s",
                email.template,
                email.pk,
                email.attempts,
                MAX_ATTEMPTS,
                email.next_attempt_at.isoformat(),
                email.error_kind,
            )
        return email
    _record_success(email, now, deadline=claimed + RECORD_WITHIN.total_seconds())
    return email


def _record_success(email, now, *, deadline):
    """Record a message the mail server accepted, through a database outage, until `deadline` (a
    monotonic time before the claim lapses). Raises the last database error if the outage outlasts it."""
    connection = connections[OutgoingEmail.objects.db]
    pause = 0.1
    while True:
        try:
            email.record_success(now)
            return
        except DATABASE_UNAVAILABLE as error:
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                logger.error(
                    "E-mail %s (#%s) was accepted by the mail server but could not be recorded (%s): "
                    "it will be sent again once its claim lapses",
                    email.template,
                    email.pk,
                    type(error).__name__,
                )
                raise
            logger.warning(
                "E-mail %s (#%s) was sent; the database is unavailable (%s), recording it again in %.1f s",
                email.template,
                email.pk,
                type(error).__name__,
                pause,
            )
        connection.close()  # the next try opens a fresh connection
        time.sleep(pause)
        pause = min(pause * 2, 5.0)
