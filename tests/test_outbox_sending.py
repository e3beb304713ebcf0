"""The outbox without a fault harness: `send_queued_email` as cron runs it, the retry schedule
and giving up, resting after a failure, and the worker's loop (`run_worker`) sending a task's
e-mail, sweeping, and waiting out a database that has gone away.

The schedule is the README's: retries after 1, 5, 15, 60, 180, 360, 720 and 1440 minutes, nine
attempts in all, the last 2,781 minutes (46 h 21 min, "about two days") after the first."""

import io
import logging
import signal
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import OperationalError

from outbox import services
from outbox.models import OutgoingEmail, Submission

NOW = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
BROKEN = {"default": {"BACKEND": "tests.fakes.BrokenEmailBackend"}}


def queue(subject, **fields):
    email = services.email_queue(to="alice@example.org", subject=subject, body=f"{subject}, the text.")
    if fields:
        OutgoingEmail.objects.filter(pk=email.pk).update(**fields)
        email.refresh_from_db()
    return email


@pytest.fixture
def resting_reset():
    yield
    services.rest_after_failure = None
    services._resting_until = 0.0


# --- send_queued_email ------------------------------------------------------------------------


def test_send_queued_email_sends_what_is_due_and_deletes_what_is_old(db):
    queue("Due now", next_attempt_at=NOW - timedelta(minutes=1))
    queue("Due later", next_attempt_at=NOW + timedelta(minutes=30))
    queue("Sent last week", sent_at=NOW - timedelta(days=8), next_attempt_at=None)
    queue("Sent yesterday", sent_at=NOW - timedelta(days=1), next_attempt_at=None)
    queue("Given up long ago", failed_at=NOW - timedelta(days=31), next_attempt_at=None)
    Submission.objects.create(key="join:old", created_at=NOW - timedelta(days=3))
    Submission.objects.create(key="join:new", created_at=NOW - timedelta(hours=1))

    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("send_queued_email", stdout=out)
    assert out.getvalue() == "Sent 1; failed 0 (to be retried); gave up on 0; deleted 2 old message(s).\n"
    assert [m.subject for m in mail.outbox] == ["Due now"]
    assert mail.outbox[0].to == ["alice@example.org"]
    assert sorted(OutgoingEmail.objects.values_list("subject", flat=True)) == ["Due later", "Due now", "Sent yesterday"]
    assert list(Submission.objects.values_list("key", flat=True)) == ["join:new"]


def test_a_mail_server_that_is_down_stops_the_run_after_three_failures(db, settings, caplog):
    settings.MAILERS = BROKEN
    for n in range(5):
        queue(f"Message {n}", next_attempt_at=NOW - timedelta(minutes=10 - n))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False), caplog.at_level(logging.WARNING, logger="outbox.services"):
        call_command("send_queued_email", stdout=out)
    assert out.getvalue() == "Sent 0; failed 3 (to be retried); gave up on 0; deleted 0 old message(s).\n"
    rows = dict(OutgoingEmail.objects.values_list("subject", "attempts"))
    assert rows == {"Message 0": 1, "Message 1": 1, "Message 2": 1, "Message 3": 0, "Message 4": 0}
    tried = OutgoingEmail.objects.get(subject="Message 0")
    assert tried.next_attempt_at == NOW + timedelta(minutes=1)
    assert tried.last_error == "ConnectionRefusedError: the mail server is down"
    assert "not sent (attempt 1 of 9), next attempt at 2026-11-10T09:01:00+00:00: ConnectionRefusedError" in caplog.text
    assert "alice@example.org" not in caplog.text  # logs never hold addresses
    assert mail.outbox == []


def test_retries_follow_the_schedule_and_give_up_after_about_two_days(db, settings, caplog):
    settings.MAILERS = BROKEN
    email = queue("Never goes", next_attempt_at=NOW)
    planned = [1, 5, 15, 60, 180, 360, 720, 1440]  # minutes after each failed attempt
    when = NOW
    for n, wait in enumerate(planned, start=1):
        assert services.email_attempt(email_id=email.pk, now=when).attempts == n
        email.refresh_from_db()
        assert email.next_attempt_at == when + timedelta(minutes=wait)
        assert services.email_attempt(email_id=email.pk, now=email.next_attempt_at - timedelta(seconds=1)) is None
        when = email.next_attempt_at
    with caplog.at_level(logging.ERROR, logger="outbox.services"):
        last = services.email_attempt(email_id=email.pk, now=when)
    assert (last.attempts, last.failed_at, last.next_attempt_at) == (9, when, None)
    assert when - NOW == timedelta(minutes=2781)
    assert "was not sent after 9 attempts; giving up: ConnectionRefusedError" in caplog.text
    assert services.email_attempt(email_id=email.pk, now=when + timedelta(days=9)) is None  # given up: never again
    assert str(OutgoingEmail.objects.get().status) == "given up"


def test_the_ninth_failure_counts_as_given_up_in_a_run(db, settings):
    settings.MAILERS = BROKEN
    queue("Last chance", next_attempt_at=NOW, attempts=8)
    assert services.send_due(now=NOW) == {"sent": 0, "failed": 0, "given_up": 1}


def test_a_sent_message_is_not_sent_again(db):
    email = queue("Once", next_attempt_at=NOW)
    sent = services.email_attempt(email_id=email.pk, now=NOW)
    assert (sent.attempts, sent.sent_at, str(sent.status)) == (1, NOW, "sent")
    assert services.email_attempt(email_id=email.pk, now=NOW + timedelta(hours=1)) is None
    assert len(mail.outbox) == 1


def test_after_a_failure_a_resting_sender_leaves_first_attempts_to_the_sweep(db, settings, resting_reset):
    services.rest_after_failure = timedelta(seconds=30)
    settings.MAILERS = BROKEN
    first = queue("First", next_attempt_at=NOW)
    assert services.email_attempt(email_id=first.pk, now=NOW).attempts == 1
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    second = queue("Second", next_attempt_at=NOW)
    assert services.email_attempt(email_id=second.pk, now=NOW) is None  # resting: not even tried
    second.refresh_from_db()
    assert (second.attempts, second.sent_at) == (0, None)
    services._resting_until = 0.0  # thirty seconds later
    assert services.email_attempt(email_id=second.pk, now=NOW).sent_at == NOW
    assert [m.subject for m in mail.outbox] == ["Second"]


def test_a_send_that_cannot_be_recorded_inside_a_transaction_is_reported(db, monkeypatch, caplog):
    """Inside a transaction a lost connection cannot be retried: the send is logged as unrecorded
    (it goes again when its claim lapses) and the error raised."""
    email = queue("Unrecorded", next_attempt_at=NOW)

    def gone(self, now):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(OutgoingEmail, "record_success", gone)
    with pytest.raises(OperationalError), caplog.at_level(logging.ERROR, logger="outbox.services"):
        services.email_attempt(email_id=email.pk, now=NOW)
    assert "was accepted by the mail server but could not be recorded (OperationalError)" in caplog.text
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_send_is_recorded_once_the_database_is_back(monkeypatch, caplog):
    email = queue("Recorded late", next_attempt_at=NOW)
    record = OutgoingEmail.record_success
    failures = iter([OperationalError("the database system is starting up")])

    def flaky(self, now):
        for error in failures:
            raise error
        record(self, now)

    monkeypatch.setattr(OutgoingEmail, "record_success", flaky)
    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        sent = services.email_attempt(email_id=email.pk, now=NOW)
    assert sent.sent_at == NOW
    assert OutgoingEmail.objects.get().sent_at == NOW
    assert "was sent; the database is unavailable (OperationalError), recording it again in 0.1 s" in caplog.text
    assert len(mail.outbox) == 1


# --- The worker -------------------------------------------------------------------------------


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def signals_restored():
    """run_worker installs its own SIGTERM and SIGINT handlers: put pytest's back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def stop_when_idle(monkeypatch, *, fail_first=None):
    """The worker runs until no task is ready, then stops as a stop signal would stop it.
    fail_first: an error the first look for a task raises, as a database that has gone away does."""
    from dbtselfhelp.worker import Worker

    original = Worker.claim_next
    errors = [fail_first] if fail_first else []

    def claim_next(self):
        if errors:
            raise errors.pop()
        task = original(self)
        if task is None:
            self.running = False
        return task

    monkeypatch.setattr(Worker, "claim_next", claim_next)


def join_request_with_its_email_as_a_task():
    from django_tasks_db.models import DBTaskResult

    from groups import membership
    from tests.conftest import make_group, make_user

    group = make_group(make_user("fran@example.org", "Fran"))
    membership.join_request_create(group=group, user=make_user("alice@example.org", "Alice"), message="Hello")
    assert mail.outbox == []  # nothing is sent in the request
    assert DBTaskResult.objects.get().task_path == "dbtselfhelp.emails.deliver_email"


@pytest.mark.django_db(transaction=True)
def test_run_worker_sends_the_email_of_a_queued_task(database_tasks, monkeypatch, signals_restored, caplog):
    from django_tasks_db.models import DBTaskResult

    join_request_with_its_email_as_a_task()
    stop_when_idle(monkeypatch)
    with caplog.at_level(logging.INFO, logger="dbtselfhelp.worker"):
        call_command("run_worker", "--interval", "0", "--sweep-seconds", "3600")
    assert [m.to for m in mail.outbox] == [["fran@example.org"]]
    assert "Alice asked to join" in mail.outbox[0].body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert OutgoingEmail.objects.get().sent_at is not None
    assert "started: queues default, sweep every 3600.0 s" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_for_the_database_and_goes_on(database_tasks, monkeypatch, caplog):
    from dbtselfhelp.worker import FIRST_PAUSE, Worker

    join_request_with_its_email_as_a_task()
    stop_when_idle(monkeypatch, fail_first=OperationalError("could not connect to server"))
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
        sweep_seconds=3600,
    )
    with caplog.at_level(logging.WARNING, logger="dbtselfhelp.worker"):
        worker.run()
    assert "The database is unavailable (OperationalError); the worker waits for it" in caplog.text
    assert "The database is back after" in caplog.text and "the worker goes on" in caplog.text
    assert worker.pause == FIRST_PAUSE  # the wait starts short again next time
    assert [m.to for m in mail.outbox] == [["fran@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_the_sweep_sends_email_due_again_and_deletes_old_tasks(database_tasks, monkeypatch, caplog):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from dbtselfhelp.worker import Worker

    join_request_with_its_email_as_a_task()
    # The task's worker was killed: the task stays "running" and its e-mail is due again.
    DBTaskResult.objects.update(status="RUNNING")
    OutgoingEmail.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=6), attempts=1)
    old = DBTaskResult.objects.get()
    old.pk = None
    old.id = None
    old.status, old.finished_at = "SUCCESSFUL", timezone.now() - timedelta(days=8)
    old.save()
    stop_when_idle(monkeypatch)
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
        excluded_queue_names=[],
        sweep_seconds=3600,
    )
    with caplog.at_level(logging.INFO, logger="dbtselfhelp.worker"):
        worker.run()
    assert [m.to for m in mail.outbox] == [["fran@example.org"]]
    assert OutgoingEmail.objects.get().attempts == 2
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["RUNNING"]  # the old one is gone
    assert "Sweep: e-mail sent 1, failed 0, given up 0; 0 old message(s) deleted" in caplog.text


# --- send_templated_email ---------------------------------------------------------------------


def contact_confirmation(**kwargs):
    from accounts.models import ContactMessage
    from dbtselfhelp.emails import send_templated_email

    context = {"message": ContactMessage(name="Robin", message="Hello")}
    send_templated_email(template="contact_confirmation", context=context, **kwargs)


def test_a_first_attempt_that_fails_is_logged_and_the_message_kept(db, settings, caplog):
    settings.MAILERS = BROKEN
    with caplog.at_level(logging.ERROR, logger="dbtselfhelp.emails"):
        contact_confirmation(to=["robin@example.org"])
    assert "E-mail contact_confirmation could not be sent; it is kept and will be retried: ConnectionRefusedError" in (
        caplog.text
    )
    kept = OutgoingEmail.objects.get()
    assert (kept.to, kept.attempts, kept.sent_at) == ("robin@example.org", 1, None)
    assert "robin@example.org" not in caplog.text


def test_no_address_means_no_message(db):
    contact_confirmation(to=["", None])
    assert not OutgoingEmail.objects.exists() and mail.outbox == []


def test_a_message_has_at_most_one_reply_to_address(db):
    with pytest.raises(ValueError, match="at most one reply-to address"):
        contact_confirmation(to=["robin@example.org"], reply_to=["a@example.org", "b@example.org"])
    assert not OutgoingEmail.objects.exists()
