"""The database goes away between the mail server accepting a message and the outbox recording it:
the record is made when the database is back, before the claim on the message lapses, so the
message is never sent twice. And a task worker killed mid-send loses nothing: the message goes
once its claim lapses.
"""

import signal
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from tests.faults.servers import Browser, MailServer, Site, contact_fields, poll, site_environment, throwaway_cluster

pytestmark = pytest.mark.faults


def queue(address="sam@example.org"):
    return services.email_queue(to=address, subject="[Site] Hello", body="Hello", template="test")


class RecordFails:
    """OutgoingEmail.record_success raises as a lost connection does, `times` times (forever if None)."""

    def __init__(self, monkeypatch, times):
        self.real, self.times, self.calls = OutgoingEmail.record_success, times, 0
        monkeypatch.setattr(OutgoingEmail, "record_success", lambda email, now: self.record(email, now))
        monkeypatch.setattr(services.time, "sleep", lambda seconds: None)  # the outage passes at once

    def record(self, email, now):
        self.calls += 1
        if self.times is None or self.calls <= self.times:
            raise OperationalError("server closed the connection unexpectedly")
        return self.real(email, now)


@pytest.mark.django_db(transaction=True)
def test_a_send_is_recorded_once_the_database_is_back_and_never_sent_again(monkeypatch):
    email = queue()
    failing = RecordFails(monkeypatch, times=3)
    services.email_attempt(email_id=email.pk)
    email.refresh_from_db()
    assert failing.calls == 4
    assert email.sent_at is not None and email.attempts == 1 and email.next_attempt_at is None
    assert len(mail.outbox) == 1

    later = timezone.now() + services.CLAIM + timedelta(minutes=1)  # long after any claim would lapse
    assert services.send_due(now=later) == {"sent": 0, "failed": 0, "given_up": 0}
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_an_outage_longer_than_the_claim_is_logged_and_the_message_kept(monkeypatch, caplog):
    email = queue("private.person@example.org")
    RecordFails(monkeypatch, times=None)
    monkeypatch.setattr(services, "RECORD_WITHIN", timedelta(seconds=0))
    with pytest.raises(OperationalError):
        services.email_attempt(email_id=email.pk)
    assert "accepted by the mail server but could not be recorded" in caplog.text
    assert "private.person@example.org" not in caplog.text
    email.refresh_from_db()
    assert email.sent_at is None and email.next_attempt_at > timezone.now(), "still claimed: sent again after"


# --- Against the real servers -------------------------------------------------------------------


@pytest.fixture
def served_with_a_worker():
    mail_server = MailServer()
    try:
        with throwaway_cluster() as (cluster, directory):
            site = Site(directory, site_environment(cluster.url, EMAIL_URL=mail_server.url))
            try:
                site.start()
                site.start_worker(sweep_seconds=1)
                yield cluster, site, mail_server
            finally:
                site.stop()
    finally:
        mail_server.close()


def send_a_contact_message(site, sender):
    browser = Browser(site)
    status, _, page = browser.post("/contact/", contact_fields(browser.open_form("/contact/"), text="Hi", email=sender))
    assert status == 302, page[:500]


def unsent(cluster):
    """Messages not recorded as sent; None while the database does not answer."""
    try:
        return cluster.query("SELECT count(*) FROM outbox_outgoingemail WHERE sent_at IS NULL")[0][0]
    except Exception:  # psycopg's OperationalError while the cluster starts
        return None


def let_every_claim_lapse(cluster):
    """What five minutes would do: any message still unrecorded is due again."""
    cluster.execute("UPDATE outbox_outgoingemail SET next_attempt_at = now() WHERE sent_at IS NULL")


def test_the_database_stops_as_the_mail_server_accepts_and_nothing_is_sent_twice(served_with_a_worker):
    cluster, site, mail_server = served_with_a_worker
    outage = threading.Event()

    def stop_the_database_once(message):
        if not outage.is_set():
            outage.set()
            cluster.stop(mode="fast")  # gone before the sender hears "250"
            threading.Timer(3, cluster.start).start()

    mail_server.before_accepting = stop_the_database_once
    send_a_contact_message(site, "robin@example.org")
    assert poll(outage.is_set, seconds=30), f"the worker sent nothing\n{site.logs()[-2000:]}"
    assert poll(lambda: unsent(cluster) == 0, seconds=60, interval=0.5), site.logs()[-3000:]
    assert "recording it again" in site.worker_log.read_text()

    let_every_claim_lapse(cluster)
    time.sleep(3)  # a few sweeps
    delivered = mail_server.delivered()
    assert len(delivered) == 2 and len(set(delivered)) == 2, delivered
    assert cluster.query("SELECT attempts FROM outbox_outgoingemail") == [(1,), (1,)]


def test_a_worker_killed_mid_send_loses_nothing_and_sends_once(served_with_a_worker):
    cluster, site, mail_server = served_with_a_worker
    mail_server.mode = "hang"  # the worker is stuck talking to the mail server...
    send_a_contact_message(site, "robin@example.org")
    assert poll(lambda: mail_server.connections >= 1, seconds=30)
    site.stop_worker(signal.SIGKILL)  # ...when it is killed

    mail_server.mode = "answer"
    site.start_worker(sweep_seconds=1)  # its replacement
    let_every_claim_lapse(cluster)
    expected = {("robin@example.org", ""), ("hello@localhost", "robin@example.org")}
    assert poll(lambda: {(str(to), str(reply)) for to, reply, _ in mail_server.delivered()} == expected, seconds=60)
    time.sleep(2)
    assert len(mail_server.delivered()) == 2, "each once"
