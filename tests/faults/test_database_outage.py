"""PostgreSQL stops for a few seconds under the real server: pages say so with a friendly 503, and
once the database is back everything works again, with the same processes and nothing lost.

The slow test starts its own throwaway cluster in a temporary directory on a free loopback port
(the machine's own PostgreSQL is never touched), migrates a database there, and serves the site
from it as production does: gunicorn, two sync workers, debug off, persistent connections.
"""

import contextlib
import http.client
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.template import engines
from django.template.response import TemplateResponse
from django.test import Client
from django.urls import path

from dbtselfhelp import unavailable
from dbtselfhelp.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.faults

FRIENDLY = "The site is briefly unavailable"
DATABASE_NAME = "dbtsh_faults"
STARTUP_SECONDS = 30
RECOVERY_SECONDS = 20


# --- The page, without a cluster -----------------------------------------------------------


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused")


def connection_closed(request):
    raise InterfaceError("the connection is closed")


def template_needs_database(request):
    """A lazily evaluated value that reaches the database only when the template renders (after the view)."""

    class Lazy:
        def __str__(self):
            raise OperationalError("server closed the connection unexpectedly")

    return TemplateResponse(request, engines["django"].from_string("{{ value }}"), {"value": Lazy()})


def other_bug(request):
    raise ValueError("not a database problem")


urlpatterns = [
    path("faults/database-gone/", database_gone),
    path("faults/connection-closed/", connection_closed),
    path("faults/template/", template_needs_database),
    path("faults/other/", other_bug),
    *site_urlpatterns,
]
handler500 = "dbtselfhelp.unavailable.server_error"


def assert_friendly_503(response, body=None):
    body = body if body is not None else response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert FRIENDLY in body and "try again in a minute" in body
    assert 'href="tel:988"' in body and 'href="/crisis/"' in body, "the crisis line stays visible"
    assert "Traceback" not in body and "OperationalError" not in body
    assert "<script" not in body and "<style" not in body and "style=" not in body, "the CSP forbids inline code"


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("url", ["/faults/database-gone/", "/faults/connection-closed/", "/faults/template/"])
def test_a_view_that_loses_the_database_gives_the_friendly_503(url, db):
    response = Client().get(url)
    assert_friendly_503(response)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert "Content-Security-Policy" in response


@pytest.mark.urls(__name__)
def test_any_other_error_is_still_the_500_page(db):
    response = Client(raise_request_exception=False).get("/faults/other/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_site_sends_a_database_lost_outside_a_view_to_the_503_page(rf):
    from dbtselfhelp import urls

    assert urls.handler500 == "dbtselfhelp.unavailable.server_error"
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = unavailable.server_error(rf.get("/groups/"))
    assert_friendly_503(response)


def test_the_503_page_needs_no_database(django_assert_max_num_queries, db):
    with django_assert_max_num_queries(0):
        response = unavailable.unavailable_response()
    assert_friendly_503(response)


# --- A throwaway PostgreSQL cluster and the real server --------------------------------------


def missing(reason):
    """Skip, or under CI=true fail: CI must run this test."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure, not a skip)")
    pytest.skip(reason)


def postgres_bindir():
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), reverse=True)
    if shutil.which("pg_ctl"):
        candidates.append(str(Path(shutil.which("pg_ctl")).resolve().parent))
    for candidate in filter(None, candidates):
        bindir = Path(candidate)
        if all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb + pg_ctl in a directory of our own; as the postgres user when we are root (initdb refuses root)."""

    def __init__(self, bindir, directory):
        self.bindir, self.directory, self.port = bindir, directory, free_port()
        self.data, self.log = directory / "data", directory / "postgres.log"
        self.as_owner = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                missing("Running as root and there is no postgres user to run initdb as")
            if not shutil.which("runuser"):
                missing("Running as root and runuser is missing, so initdb cannot run as postgres")
            os.chown(directory, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def run(self, *args, timeout=60):
        subprocess.run([*self.as_owner, *map(str, args)], check=True, capture_output=True, timeout=timeout)

    def init(self):
        self.run(self.bindir / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self):
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -c unix_socket_directories={self.directory} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self.run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "-t", "30", "start")

    def stop(self, mode="fast"):
        self.run(self.bindir / "pg_ctl", "-D", self.data, "-m", mode, "-w", "-t", "30", "stop")

    def is_running(self):
        return (self.data / "postmaster.pid").exists()

    def shut_down(self):
        """Whatever state it is in: stop it, and if pg_ctl cannot, kill the postmaster."""
        if not self.is_running():
            return
        try:
            self.stop(mode="immediate")
        except subprocess.SubprocessError:
            with contextlib.suppress(OSError, ValueError, IndexError):
                os.kill(int((self.data / "postmaster.pid").read_text().split()[0]), signal.SIGKILL)

    def query(self, sql, *params):
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=DATABASE_NAME) as conn:
            return conn.execute(sql, params).fetchall()


def site_environment(database_url):
    """What `make serve` sets, pointed at the throwaway cluster; nothing from the outer environment's services."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CACHE_URL", "EMAIL_URL", "GEOCODER", "SECRET_KEY", "SECRET_KEY_FILE"}
    }
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DJANGO_PLAIN_STATIC="1",
        CACHE_URL="locmem://",
        EMAIL_URL="locmem://",
        REQUEST_LOG_LEVEL="WARNING",
    )
    environment.pop("DB_CONN_MAX_AGE", None)  # the default: persistent connections
    return environment


class Site:
    """The real server on a loopback port: gunicorn, 2 sync workers."""

    def __init__(self, directory, database_url):
        self.port = free_port()
        self.environment = site_environment(database_url)
        self.log = directory / "gunicorn.log"
        self.process = None

    def start(self):
        # No control socket: its default path is shared by every gunicorn this user runs.
        command = [sys.executable, "-m", "gunicorn", "dbtselfhelp.wsgi", "--bind", f"127.0.0.1:{self.port}",
                   "--workers", "2", "--timeout", "30", "--graceful-timeout", "5", "--no-control-socket"]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text()}"
            if self.status("/healthz") == 200 and len(self.workers()) == 2:
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{self.log.read_text()}")

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def workers(self):
        """The process ids whose parent is the gunicorn master."""
        found = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[1]) == self.process.pid:
                found.add(int(stat.parent.name))
        return found

    def request(self, method, url, *, body=None, headers=None):
        """(status, headers, text) over a fresh connection, so requests spread over both workers."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            connection.request(method, url, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response, response.read().decode("utf-8", "replace")
        except OSError:
            return None, None, ""
        finally:
            connection.close()

    def status(self, url):
        return self.request("GET", url)[0]


@pytest.fixture
def served_from_a_throwaway_cluster():
    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; set PG_BINDIR or install postgresql")
    directory = Path(tempfile.mkdtemp(prefix="dbtsh-faults-"))
    cluster = site = None
    try:
        cluster = Cluster(bindir, directory)
        cluster.init()
        cluster.start()
        subprocess.run([bindir / "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres",
                        DATABASE_NAME], check=True, capture_output=True, timeout=30)  # fmt: skip
        migrate_environment = {**site_environment(cluster.url), "DJANGO_DEBUG": "1"}
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=settings.BASE_DIR, env=migrate_environment, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert migrated.returncode == 0, migrated.stderr
        site = Site(directory, cluster.url)
        site.start()
        yield cluster, site
    finally:
        if site is not None:
            site.stop()
        if cluster is not None:
            cluster.shut_down()
        shutil.rmtree(directory, ignore_errors=True)


def open_contact_form(site):
    """The CSRF cookie and token a browser gets with the contact page."""
    status, response, page = site.request("GET", "/contact/")
    assert status == 200, page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    cookie = "; ".join(header.split(";", 1)[0] for header in response.headers.get_all("Set-Cookie") or [])
    return token, cookie


def send_contact_message(site, form, text):
    token, cookie = form
    fields = {"csrfmiddlewaretoken": token, "name": "Dana", "email": "dana@example.org", "topic": "other",
              "message": text, "website": ""}  # fmt: skip
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
               "Origin": f"http://127.0.0.1:{site.port}"}  # fmt: skip
    return site.request("POST", "/contact/", body=urlencode(fields), headers=headers)


def poll(check, *, seconds, interval=0.2):
    """Call check until it returns true, at most `seconds` (and so a bounded number of times)."""
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / interval) + 1):
        if check():
            return True
        if time.monotonic() > deadline:
            break
        time.sleep(interval)
    return False


PAGES = ["/groups/", "/lessons/"]


def test_a_database_outage_is_a_friendly_503_and_the_site_recovers_by_itself(served_from_a_throwaway_cluster):
    cluster, site = served_from_a_throwaway_cluster
    master, workers = site.process.pid, site.workers()

    # Before: pages work, and a contact message is saved.
    for url in PAGES * 3:
        assert site.status(url) == 200, url
    form = open_contact_form(site)
    words = f"Saved before the outage {uuid.uuid4()}"
    status, _, body = send_contact_message(site, form, words)
    assert status == 302, body
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage WHERE message = %s", words) == [(1,)]

    # The database stops. Every worker's persistent connection is now broken.
    cluster.stop(mode="fast")
    for _ in range(4):
        status, response, body = site.request("GET", "/healthz")
        assert status == 503, body
        for url in PAGES:
            status, response, body = site.request("GET", url)
            assert status == 503, (url, status, body[:500])
            assert response.getheader("Retry-After") == "60"
            assert FRIENDLY in body and 'href="tel:988"' in body and "Traceback" not in body
    status, _, body = send_contact_message(site, form, "Sent during the outage")
    assert status == 503 and FRIENDLY in body

    # It comes back: within seconds every page works again, with no restart.
    cluster.start()
    assert poll(lambda: site.status("/healthz") == 200, seconds=RECOVERY_SECONDS), "healthz did not recover"
    for url in ["/healthz", *PAGES] * 4:
        assert site.status(url) == 200, url
    assert site.process.poll() is None and site.process.pid == master
    assert site.workers() == workers, "a worker was restarted"
    assert site.log.read_text().count("Booting worker") == 2, site.log.read_text()

    # Nothing was lost.
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage WHERE message = %s", words) == [(1,)]
    assert cluster.query("SELECT count(*) FROM outbox_outgoingemail WHERE template = 'contact_message'") == [(1,)]
    assert cluster.query("SELECT count(*) FROM accounts_contactmessage") == [(1,)], "nothing half-saved"
