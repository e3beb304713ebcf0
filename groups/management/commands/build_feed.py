import time

from django.core.management.base import BaseCommand

from groups.feed import build_meeting_guide_feed


class Command(BaseCommand):
    help = "Build the Meeting Guide feed and keep it in the cache. Run from cron every five minutes."

    def handle(self, *args, **options):
        started = time.perf_counter()
        size = len(build_meeting_guide_feed()) / 1e6
        self.stdout.write(
            f"Built the Meeting Guide feed ({size:.1f} MB gzipped) in {time.perf_counter() - started:.1f} s."
        )
