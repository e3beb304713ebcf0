"""On PostgreSQL: the cube and earthdistance extensions and a GiST index on each published
group's public point, for the search's nearest-first scan. Skipped on SQLite, and skipped
(with the plain bounding-box search still working) where the extensions cannot be created."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

INDEX = "groups_published_earth_gist"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS cube")
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS earthdistance")
    except DatabaseError:
        logger.warning("cube/earthdistance are not available: the search uses its bounding-box path.")
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON groups_peergroup "
        "USING gist (ll_to_earth(public_latitude, public_longitude)) "
        "WHERE status = 'published' AND public_latitude IS NOT NULL"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("groups", "0003_meeting_utc_minute")]

    operations = [migrations.RunPython(create, drop)]
