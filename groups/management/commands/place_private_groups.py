"""Recompute every group's public point: after changing PRIVATE_LOCATION_CELL_KM, so each
private group is shown at the centre of its cell in the new grid."""

from django.core.management.base import BaseCommand

from groups.models import PeerGroup


class Command(BaseCommand):
    help = "Recompute the public point of every group (private ones: their grid cell's centre)."

    def handle(self, *args, **options):
        changed = []
        for group in PeerGroup.objects.exclude(latitude=None).iterator(chunk_size=1000):
            before = (group.public_latitude, group.public_longitude)
            group.update_public_point()
            if (group.public_latitude, group.public_longitude) != before:
                changed.append(group)
        PeerGroup.objects.bulk_update(changed, ["public_latitude", "public_longitude"], batch_size=1000)
        self.stdout.write(f"{len(changed)} public points moved.")
