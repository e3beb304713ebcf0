from django.core.management.base import BaseCommand
from django.utils import timezone

from groups.alerts import sweep_waiting


class Command(BaseCommand):
    help = (
        "People waiting for a group: erase requests unconfirmed after 48 hours, remind once a month before "
        "a request's year ends, end it after a year, and send the weekly digests that are due. Run daily."
    )

    def handle(self, *args, **options):
        done = sweep_waiting(now=timezone.now())
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in done.items()))
