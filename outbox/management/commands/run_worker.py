from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from dbtselfhelp.worker import Worker
from outbox import services


class Command(BaseCommand):
    help = (
        "Run background tasks (django.tasks, database backend) as they are queued, and every minute send the "
        "e-mail that is due again. Run one or more beside the application servers; survives database outages."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="Queues to run, comma-separated; '*' for all.")
        parser.add_argument("--interval", type=float, default=0.5, help="Seconds to wait when no task is ready.")
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=settings.WORKER_SWEEP_SECONDS,
            help="Seconds between sweeps of the outbox (e-mail due again).",
        )

    def handle(self, *args, **options):
        # A mail server that fails rests for a while: messages stay due and the next sweep sends them.
        services.rest_after_failure = timedelta(seconds=30)
        worker = Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
            sweep_seconds=options["sweep_seconds"],
        )
        worker.configure_signals()
        worker.run()
