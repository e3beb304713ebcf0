from django.core.management.base import BaseCommand

from groups import services


class Command(BaseCommand):
    help = (
        "Keep listings honest: e-mail facilitators of listings unconfirmed for 60 days, "
        "archive those unconfirmed for 180, and erase join-request messages 30 days after the decision. "
        "Idempotent; run daily from cron."
    )

    def handle(self, *args, **options):
        counts = services.sweep_listings()
        self.stdout.write(
            f"Reminded the facilitators of {counts['reminded']} listing(s); archived {counts['archived']} listing(s); "
            f"erased {counts['messages_erased']} old join-request message(s)."
        )
