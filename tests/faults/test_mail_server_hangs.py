"""A mail server that accepts connections and never answers: no request waits for it. Pages and
/healthz keep the throughput they have with a working mail server (measured in the same run, with
the same load), and every e-mail arrives, once, when the server answers again.

The site runs as `make serve` runs it, on a throwaway PostgreSQL cluster: gunicorn with two sync
workers, and the task worker beside it, which is the only process that talks to the mail server.
"""

import threading
import time
import uuid

import pytest

from tests.faults.servers import (
    Browser,
    MailServer,
    Site,
    contact_fields,
    poll,
    site_environment,
    throwaway_cluster,
)

pytestmark = pytest.mark.faults

SECONDS = 6  # each phase of load
READERS, WRITERS = 4, 2  # client threads: pages and /healthz; contact messages
HELD_THROUGHPUT = 0.6  # with the server hanging, at least this share of the working server's requests a second


@pytest.fixture
def site_with_a_mail_server():
    mail = MailServer()
    try:
        with throwaway_cluster() as (cluster, directory):
            # Each load thread posts as its own address (X-Forwarded-For through one trusted proxy), so the
            # contact form's per-address limits do not turn the load into 429s.
            environment = site_environment(cluster.url, EMAIL_URL=mail.url, TRUSTED_PROXY_COUNT="1")
            site = Site(directory, environment)
            try:
                site.start()
                site.start_worker(sweep_seconds=1)
                yield cluster, site, mail
            finally:
                site.stop()
    finally:
        mail.close()


def load(site, *, seconds, tag):
    """READERS threads reading pages and /healthz, WRITERS threads sending contact messages, for
    `seconds`. Per kind: (requests answered 2xx/3xx, slowest seconds, other answers); the senders."""
    stop = time.monotonic() + seconds
    results = {"read": [], "write": [], "errors": []}
    senders = []
    lock = threading.Lock()

    def reader(n):
        urls = ["/healthz", "/groups/", "/lessons/", "/contact/"]
        i = 0
        while time.monotonic() < stop:
            started = time.monotonic()
            status = site.status(urls[i % len(urls)])
            with lock:
                (results["read"] if status == 200 else results["errors"]).append(time.monotonic() - started)
            i += 1

    def writer(n):
        i = 0
        while time.monotonic() < stop:
            address = f"10.{n}.{i // 250}.{i % 250 + 1}"
            browser = Browser(site, address=address)
            sender = f"{tag}-{n}-{i}@example.org"
            started = time.monotonic()
            form = browser.open_form("/contact/")
            status, _, _ = browser.post("/contact/", contact_fields(form, text=f"{tag} {uuid.uuid4()}", email=sender))
            with lock:
                if status == 302:
                    results["write"].append(time.monotonic() - started)
                    senders.append(sender)
                else:
                    results["errors"].append(status)
            i += 1

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    threads += [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    return results, senders


def per_second(results, seconds):
    return (len(results["read"]) + 2 * len(results["write"])) / seconds  # a message is two requests


def test_a_mail_server_that_hangs_holds_no_request_and_every_email_arrives_once(site_with_a_mail_server):
    cluster, site, mail = site_with_a_mail_server
    _, sent_warming_up = load(site, seconds=1, tag="warm-up")

    working, sent_while_working = load(site, seconds=SECONDS, tag="working")
    mail.mode = "hang"
    hanging, sent_while_hanging = load(site, seconds=SECONDS, tag="hanging")

    normal, held = per_second(working, SECONDS), per_second(hanging, SECONDS)
    print(f"\nrequests a second: mail server working {normal:.1f}, hanging {held:.1f} ({held / normal:.2f})")
    print(
        f"contact messages: {len(sent_while_working)} then {len(sent_while_hanging)}; slowest request "
        f"{max(hanging['read'] + hanging['write']):.2f} s while hanging"
    )
    assert not working["errors"] and not hanging["errors"]
    assert sent_while_hanging, "messages were sent while the mail server hung"
    assert held >= HELD_THROUGHPUT * normal
    assert max(hanging["read"] + hanging["write"]) < 2, "no request waited for the mail server"

    # The server answers again: every e-mail arrives, once. Those the worker tried while it hung wait
    # a minute before their retry: let that minute pass.
    mail.mode = "answer"
    cluster.execute("UPDATE outbox_outgoingemail SET next_attempt_at = now() WHERE sent_at IS NULL AND attempts > 0")
    senders = sorted(sent_warming_up + sent_while_working + sent_while_hanging)
    expected = 2 * len(senders)
    assert poll(lambda: len(mail.delivered()) >= expected, seconds=120, interval=0.5), (
        f"{len(mail.delivered())} of {expected} e-mails arrived\n{site.logs()[-3000:]}"
    )
    time.sleep(2)  # a sweep or two more: nothing is sent again
    delivered = mail.delivered()
    print(f"{len(delivered)} e-mails delivered for {len(senders)} contact messages")
    assert len(delivered) == len(set(delivered)) == expected, "each e-mail once"
    assert sorted(str(to) for to, reply_to, _ in delivered if not reply_to) == senders, "each sender's copy"
    assert sorted(str(reply_to) for _, reply_to, _ in delivered if reply_to) == senders, "each message to the team"
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail WHERE sent_at IS NULL") == [(0,)]
