from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Everything `make run` needs after migrating: the gazetteer, demo accounts and demo groups. Idempotent."

    def handle(self, *args, **options):
        call_command("load_places", stdout=self.stdout)
        call_command("load_postcodes", stdout=self.stdout)  # after the places: it names districts after them
        call_command("demo_accounts", stdout=self.stdout)
        call_command("load_demo_groups", stdout=self.stdout)
        call_command("demo_testimonials", stdout=self.stdout)
        call_command("refresh_meeting_times", "--all", stdout=self.stdout)
