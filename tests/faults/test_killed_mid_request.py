"""A request dies halfway, for real: PostgreSQL closes its connection, or gunicorn's worker is
killed, after the action's row is written and before its e-mails are. Nothing is saved, and the
same form sent again is saved once, with every e-mail.

To stop the request at that exact point, the test holds a lock on the outbox's table: the request
writes the contact message or the join request, then waits for the lock at its first e-mail.
"""

import os
import signal
import threading
import uuid

import pytest

from tests.faults.servers import Browser, Site, contact_fields, poll, site_environment, throwaway_cluster

pytestmark = pytest.mark.faults


@pytest.fixture
def served():
    with throwaway_cluster() as (cluster, directory):
        site = Site(directory, site_environment(cluster.url))
        try:
            site.start()
            yield cluster, site
        finally:
            site.stop()


class OutboxLocked:
    """Holds an exclusive lock on the outbox table until released; says which backend waits for it."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.conn = cluster.connect()
        self.conn.execute("LOCK TABLE outbox_outgoingemail IN ACCESS EXCLUSIVE MODE")

    def waiting(self):
        """The process ids of backends waiting for the lock."""
        rows = self.cluster.query(
            "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return [pid for (pid,) in rows]

    def release(self):
        self.conn.rollback()
        self.conn.close()


def in_background(call):
    """Run call() in a thread; the result is in .result once .join() returns."""
    thread = threading.Thread(target=lambda: setattr(thread, "result", call()), daemon=True)
    thread.start()
    return thread


def contact_rows(cluster, text):
    return cluster.query("SELECT count(*) FROM accounts_contactmessage WHERE message = %s", text)[0][0]


def no_backend_left_waiting(cluster):
    rows = cluster.query(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND "
        "state IN ('active', 'idle in transaction') AND pid <> pg_backend_pid()"
    )
    return rows == [(0,)]


def test_the_database_closing_the_connection_mid_request_saves_nothing_and_a_retry_saves_once(served):
    cluster, site = served
    browser = Browser(site)
    form = browser.open_form("/contact/")
    text = f"Half way {uuid.uuid4()}"
    fields = contact_fields(form, text=text)

    lock = OutboxLocked(cluster)
    try:
        posted = in_background(lambda: browser.post("/contact/", fields))
        assert poll(lambda: len(lock.waiting()) == 1, seconds=15), "the request reached the outbox"
        cluster.execute("SELECT pg_terminate_backend(%s)", lock.waiting()[0])  # the server closes the connection
        posted.join(timeout=15)
    finally:
        lock.release()
    status, _, page = posted.result
    assert status == 503 and "briefly unavailable" in page
    assert contact_rows(cluster, text) == 0, "nothing half-saved"
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail") == [(0,)]

    # The visitor sends the same form again: saved once, with both e-mails.
    status, _, page = browser.post("/contact/", fields)
    assert status == 302, page[:500]
    status, _, page = browser.post("/contact/", fields)  # and once more, as a double click would
    assert status == 302
    assert contact_rows(cluster, text) == 1
    assert sorted(cluster.query("SELECT template FROM outbox_outgoingemail")) == [
        ("contact_confirmation",),
        ("contact_message",),
    ]


def test_a_gunicorn_worker_killed_mid_request_saves_nothing(served):
    cluster, site = served
    browser = Browser(site)
    form = browser.open_form("/contact/")
    text = f"Killed half way {uuid.uuid4()}"
    workers = site.workers()

    lock = OutboxLocked(cluster)
    try:
        posted = in_background(lambda: browser.post("/contact/", contact_fields(form, text=text)))
        assert poll(lambda: len(lock.waiting()) == 1, seconds=15), "the request reached the outbox"
        for pid in workers:  # whichever worker holds the request
            os.kill(pid, signal.SIGKILL)
        posted.join(timeout=15)
    finally:
        lock.release()
    status, _, _ = posted.result
    assert status is None, "the connection dropped with the worker"
    assert poll(lambda: no_backend_left_waiting(cluster), seconds=15)
    assert contact_rows(cluster, text) == 0, "nothing half-saved"
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail") == [(0,)]

    # gunicorn has replaced its workers; the same form sent again is saved once.
    assert poll(lambda: len(site.workers()) == 2 and site.status("/healthz") == 200, seconds=30)
    assert site.workers().isdisjoint(workers)
    status, _, page = browser.post("/contact/", contact_fields(form, text=text))
    assert status == 302, page[:500]
    assert contact_rows(cluster, text) == 1
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail") == [(2,)]
