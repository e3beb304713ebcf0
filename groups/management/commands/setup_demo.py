from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Everything `make run` needs after migrating: demo accounts (and, as they exist, places and groups)."

    def handle(self, *args, **options):
        call_command("demo_accounts", stdout=self.stdout)
