"""The site's one background process: every django.tasks task, and the outbox's sweep.

Tasks are rows in the database (django-tasks-db), saved in the transaction of the action that
causes them, so a task exists exactly when its action does. The worker is django-tasks-db's own,
with three changes for a site that must hold up when a part fails:

- it outlives the database: an outage is logged once by its kind, the worker waits (0.5 s,
  doubling to 5 s) and goes on where it was, instead of exiting;
- every `sweep_seconds` it sends the e-mail that is due again (retries after a mail server
  failed, messages whose first attempt was lost with a killed process) and deletes old rows,
  which is what cron's `send_queued_email` does where there is no worker;
- a stop signal (SIGTERM, Ctrl-C) waits for the task or sweep under way, so a message the mail
  server has accepted is recorded before the process ends.

Run it beside the application servers: `python manage.py run_worker` (`make serve` does). Any
number may run; each task and each e-mail is claimed by one of them.
"""

import contextlib
import logging
import time
from datetime import timedelta

from django.db import close_old_connections, connections
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from outbox import services as outbox

logger = logging.getLogger(__name__)

KEEP_FINISHED_TASKS = timedelta(days=7)
# Each app's own sweep, called with `now` at every sweep: work whose task was lost with a killed
# worker (django-tasks-db leaves such a task "running"), found from the app's own records.
SWEEPS = ("groups.notifications.sweep",)
FIRST_PAUSE, LONGEST_PAUSE = 0.5, 5.0


class Worker(DatabaseWorker):
    def __init__(self, *, sweep_seconds, **options):
        super().__init__(**options)
        self.sweep_seconds = sweep_seconds
        self.next_sweep = 0.0
        self.pause = FIRST_PAUSE
        self.unavailable_since = None

    def run(self):
        logger.info(
            "Worker %s started: queues %s, sweep every %s s",
            self.worker_id,
            ",".join(self.queue_names),
            self.sweep_seconds,
        )
        while self.running:
            close_old_connections()
            try:
                self.sweep_if_due()
                task = self.claim_next()
                if task is not None:
                    self.run_task(task)
                self.database_is_back()
            except outbox.DATABASE_UNAVAILABLE as error:
                self.wait_for_database(error)
                continue
            if task is None and self.running:
                time.sleep(self.interval)

    def claim_next(self):
        """The next ready task, marked as running by this worker; None when there is none."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        try:
            with exclusive_transaction(tasks.db):
                task = tasks.get_locked()
                if task is not None:
                    task.claim(self.worker_id)
                return task
        except outbox.DATABASE_UNAVAILABLE as error:
            if is_locked_database_exception(error):  # SQLite: another writer; try again shortly
                return None
            raise

    def sweep_if_due(self):
        if time.monotonic() < self.next_sweep:
            return
        self.running_task = True  # a stop signal waits for the sweep, as for a task
        try:
            for sweep in SWEEPS:
                import_string(sweep)(now=timezone.now())
            counts = outbox.send_due()
            deleted = outbox.purge_old()
            cutoff = timezone.now() - KEEP_FINISHED_TASKS
            DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
        finally:
            self.running_task = False
        if any(counts.values()) or deleted:
            logger.info(
                "Sweep: e-mail sent %s, failed %s, given up %s; %s old message(s) deleted",
                counts["sent"],
                counts["failed"],
                counts["given_up"],
                deleted,
            )
        self.next_sweep = time.monotonic() + self.sweep_seconds

    def wait_for_database(self, error):
        if self.unavailable_since is None:
            self.unavailable_since = time.monotonic()
            logger.warning("The database is unavailable (%s); the worker waits for it", type(error).__name__)
        for connection in connections.all(initialized_only=True):
            with contextlib.suppress(*outbox.DATABASE_UNAVAILABLE):  # gone already: the next query reconnects
                connection.close()
        time.sleep(self.pause)
        self.pause = min(self.pause * 2, LONGEST_PAUSE)

    def database_is_back(self):
        if self.unavailable_since is not None:
            logger.warning(
                "The database is back after %.1f s; the worker goes on", time.monotonic() - self.unavailable_since
            )
            self.unavailable_since = None
        self.pause = FIRST_PAUSE
