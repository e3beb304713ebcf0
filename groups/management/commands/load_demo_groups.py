from django.core.management.base import BaseCommand

from accounts.models import User
from groups.demo import load_demo_groups
from groups.models import PeerGroup


class Command(BaseCommand):
    help = "Load the demo groups once (300+ published across 50 towns, plus other states and reports)."

    def handle(self, *args, **options):
        if PeerGroup.objects.exclude(slug__startswith="bench-").exists():
            self.stdout.write("Demo groups are already loaded.")
            return
        lead = User.objects.filter(email="facilitator@example.org").first()
        made = load_demo_groups(lead_user=lead)
        self.stdout.write(f"Loaded {made} demo groups.")
