"""Private groups are published as the centre of their grid cell (groups/cells.py) instead of a
per-group offset of 1-2 km: recompute every private group's public point, and drop the salt the
offset came from."""

from django.db import migrations


def place_private_groups(apps, schema_editor):
    from groups.cells import cell_centre

    PeerGroup = apps.get_model("groups", "PeerGroup")
    private = PeerGroup.objects.filter(
        location_privacy="members", latitude__isnull=False, longitude__isnull=False
    ).exclude(format="online")
    changed = []
    for group in private.only("latitude", "longitude", "public_latitude", "public_longitude").iterator():
        group.public_latitude, group.public_longitude = cell_centre(group.latitude, group.longitude)
        changed.append(group)
        if len(changed) == 1000:
            PeerGroup.objects.bulk_update(changed, ["public_latitude", "public_longitude"])
            changed = []
    PeerGroup.objects.bulk_update(changed, ["public_latitude", "public_longitude"])


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0008_meeting_next_start"),
    ]

    operations = [
        migrations.RunPython(place_private_groups, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="peergroup",
            name="location_salt",
        ),
    ]
