from django.core.management.base import BaseCommand

from groups.demo import generate_groups


class Command(BaseCommand):
    help = "Add N synthetic published groups, spread like the population (for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, count, seed, **options):
        made = generate_groups(count=count, seed=seed)
        self.stdout.write(f"Added {made} synthetic groups.")
