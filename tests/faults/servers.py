"""Real servers for fault tests: a throwaway PostgreSQL cluster, gunicorn serving the site from it,
the task worker, and a mail server that answers, hangs, or runs a hook before accepting a message.

Everything listens on a free loopback port of its own and lives in a temporary directory, so tests
running at the same time on the machine (other checkouts too) never meet; the machine's own
PostgreSQL is never touched.
"""

import contextlib
import email
import email.policy
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
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

DATABASE_NAME = "dbtsh_faults"
STARTUP_SECONDS = 30


def missing(reason):
    """Skip, or under CI=true fail: CI must run these tests."""
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

    def connect(self, **options):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname=DATABASE_NAME, **options)

    def query(self, sql, *params):
        with self.connect() as conn:
            return conn.execute(sql, params).fetchall()

    def execute(self, sql, *params):
        with self.connect(autocommit=True) as conn:
            conn.execute(sql, params)


def site_environment(database_url, **overrides):
    """What `make serve` sets, pointed at the throwaway cluster; nothing from the outer environment's services."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "CACHE_URL",
            "EMAIL_URL",
            "GEOCODER",
            "SECRET_KEY",
            "SECRET_KEY_FILE",
            "TASKS_BACKEND",
            "TEST_CLOCK",
        }
    }
    environment.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        SECRET_KEY="fault-tests-only-" + secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DJANGO_PLAIN_STATIC="1",
        CACHE_URL="locmem://",
        EMAIL_URL="locmem://",
        REQUEST_LOG_LEVEL="WARNING",
    )
    environment.pop("DB_CONN_MAX_AGE", None)  # the default: persistent connections
    environment.update(overrides)
    return environment


class Site:
    """The real server on a loopback port: gunicorn (2 sync workers, started from the checkout, so with
    its gunicorn.conf.py), and with worker=True the task worker beside it, as `make serve` runs them."""

    def __init__(self, directory, environment, *, workers=2):
        self.port = free_port()
        self.environment = environment
        self.log = directory / "gunicorn.log"
        self.worker_log = directory / "worker.log"
        self.workers_wanted = workers
        self.process = self.worker = None

    def start(self):
        # No control socket: its default path is shared by every gunicorn this user runs.
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "dbtselfhelp.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers_wanted),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.log.read_text()}"
            if self.status("/healthz") == 200 and len(self.workers()) == self.workers_wanted:
                return
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {STARTUP_SECONDS} s:\n{self.log.read_text()}")

    def start_worker(self, *, sweep_seconds=1):
        command = [
            sys.executable,
            "manage.py",
            "run_worker",
            "--interval",
            "0.1",
            "--sweep-seconds",
            str(sweep_seconds),
        ]
        with self.worker_log.open("ab") as log:
            self.worker = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=self.environment, stdout=log, stderr=subprocess.STDOUT
            )

    def stop_worker(self, sig=signal.SIGTERM):
        if self.worker is None or self.worker.poll() is not None:
            return
        self.worker.send_signal(sig)
        try:
            self.worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.worker.kill()
            self.worker.wait(timeout=10)

    def stop(self):
        self.stop_worker()
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

    def request(self, method, url, *, body=None, headers=None, timeout=15):
        """(status, response, text) over a fresh connection, so requests spread over both workers."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
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

    def logs(self):
        return "\n".join(path.read_text(errors="replace") for path in (self.log, self.worker_log) if path.exists())


@contextlib.contextmanager
def throwaway_cluster():
    """A started cluster with the site's database migrated, in a temporary directory; gone afterwards."""
    bindir = postgres_bindir()
    if bindir is None:
        missing("PostgreSQL server binaries (initdb, pg_ctl, postgres) not found; set PG_BINDIR or install postgresql")
    directory = Path(tempfile.mkdtemp(prefix="dbtsh-faults-"))
    cluster = None
    try:
        cluster = Cluster(bindir, directory)
        cluster.init()
        cluster.start()
        subprocess.run(
            [bindir / "createdb", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", DATABASE_NAME],
            check=True,
            capture_output=True,
            timeout=30,
        )
        migrate_environment = {**site_environment(cluster.url), "DJANGO_DEBUG": "1"}
        migrated = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=settings.BASE_DIR,
            env=migrate_environment,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert migrated.returncode == 0, migrated.stderr
        yield cluster, directory
    finally:
        if cluster is not None:
            cluster.shut_down()
        shutil.rmtree(directory, ignore_errors=True)


# --- Forms, as a browser sends them -----------------------------------------------------------


class Browser:
    """One visitor's cookies, and the CSRF token and form token of the last form it opened."""

    def __init__(self, site, *, address="127.0.0.1"):
        self.site, self.cookies, self.address = site, {}, address

    def _headers(self, extra=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "X-Forwarded-For": self.address}
        return {**headers, **(extra or {})}

    def _keep_cookies(self, response):
        for header in (response.headers.get_all("Set-Cookie") or []) if response else []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, url):
        status, response, page = self.site.request("GET", url, headers=self._headers())
        self._keep_cookies(response)
        return status, response, page

    def open_form(self, url):
        """The fields a browser sends with the form on that page (the CSRF and form tokens)."""
        status, _, page = self.get(url)
        assert status == 200, (url, status, page[:500])
        fields = {"csrfmiddlewaretoken": re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]}
        token = re.search(r'name="submission" value="([^"]+)"', page)
        if token:
            fields["submission"] = token[1]
        return fields

    def post(self, url, fields, *, timeout=15):
        headers = self._headers(
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{self.site.port}"}
        )
        status, response, page = self.site.request(
            "POST", url, body=urlencode(fields), headers=headers, timeout=timeout
        )
        self._keep_cookies(response)
        return status, response, page


def contact_fields(form, *, text, email="dana@example.org"):
    return {**form, "name": "Dana", "email": email, "topic": "other", "message": text, "website": ""}


# --- A mail server ------------------------------------------------------------------------------


class MailServer:
    """An SMTP server on a loopback port, one thread per connection.

    mode "answer": speaks SMTP and keeps every message it accepts (`messages`, parsed);
    mode "hang": accepts connections and never says a word, as a wedged server does.
    `before_accepting(message)`, when set, runs after a message's data and before the "250" that
    accepts it: a test can stop the database exactly between acceptance and the sender's record."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=128)
        self.port = self.listener.getsockname()[1]
        self.mode = "answer"
        self.before_accepting = None
        self.messages = []
        self.connections = 0
        self._lock = threading.Lock()
        self._open = []
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self):
        return f"smtp://127.0.0.1:{self.port}?timeout=2"

    def close(self):
        self._running = False
        with contextlib.suppress(OSError):
            self.listener.close()
        for conn in list(self._open):
            with contextlib.suppress(OSError):
                conn.close()

    def delivered(self):
        """(to, reply-to, subject) of each message accepted, in order."""
        with self._lock:
            return [(m["To"], m["Reply-To"] or "", str(m["Subject"])) for m in self.messages]

    def _accept(self):
        while self._running:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            self._open.append(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        try:
            if self.mode == "hang":
                while self._running and self.mode == "hang":
                    time.sleep(0.05)
                return  # a wedged connection never recovers: the client has given up on it
            self._converse(conn)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                conn.close()
            with contextlib.suppress(ValueError):
                self._open.remove(conn)

    def _converse(self, conn):
        reader = conn.makefile("rb")

        def say(line):
            conn.sendall(line.encode() + b"\r\n")

        say("220 fake.example ESMTP")
        while True:
            line = reader.readline()
            if not line:
                return
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb == "EHLO":
                say("250-fake.example")
                say("250 8BITMIME")
            elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                say("250 OK")
            elif verb == "DATA":
                say("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    lines.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                message = email.message_from_bytes(b"".join(lines), policy=email.policy.default)
                if self.before_accepting is not None:
                    self.before_accepting(message)
                with self._lock:
                    self.messages.append(message)
                say("250 OK queued")
            elif verb == "QUIT":
                say("221 Bye")
                return
            else:
                say("502 Command not implemented")
