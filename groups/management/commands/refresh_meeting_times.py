from django.core.management.base import BaseCommand
from django.utils import timezone

from groups.schedules import refresh_meeting_times


class Command(BaseCommand):
    help = (
        "Move each meeting time whose meeting has ended on to its next meeting, so online groups are "
        "ordered by their next meeting on every page. Run from cron every five minutes, and daily with "
        "--all (daylight saving changes the weekly slot of every meeting in a zone)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="refresh every meeting time, not only ended ones")

    def handle(self, *args, **options):
        changed = refresh_meeting_times(now=timezone.now(), everything=options["all"])
        self.stdout.write(f"Refreshed {changed} meeting time(s).")
