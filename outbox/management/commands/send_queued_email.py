from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.module_loading import import_string

from dbtselfhelp.worker import SWEEPS
from outbox import services


class Command(BaseCommand):
    help = (
        "Send queued e-mail that is due, retrying failures with backoff and giving up after the last attempt; "
        "delete sent e-mail after 7 days. Safe to run in parallel; run every minute from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many messages in one run.")

    def handle(self, *args, **options):
        for sweep in SWEEPS:  # work whose task never ran (no worker, or a killed one) queues its e-mail first
            import_string(sweep)(now=timezone.now())
        counts = services.send_due(limit=options["limit"])
        deleted = services.purge_old()
        self.stdout.write(
            f"Sent {counts['sent']}; failed {counts['failed']} (to be retried); gave up on {counts['given_up']}; "
            f"deleted {deleted} old message(s)."
        )
