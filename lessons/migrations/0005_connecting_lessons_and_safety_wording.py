"""Load the shipped content again: the connecting lessons, the new glossary entries and the
corrected safety wording reach databases that ran 0004 before they existed."""

from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    from lessons.content_loader import load_content

    load_content(
        SkillModule=apps.get_model("lessons", "SkillModule"),
        Skill=apps.get_model("lessons", "Skill"),
        Lesson=apps.get_model("lessons", "Lesson"),
        now=timezone.now(),
    )


class Migration(migrations.Migration):
    dependencies = [("lessons", "0004_shipped_content")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
