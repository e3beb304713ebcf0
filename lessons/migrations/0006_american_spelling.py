"""Load the shipped content again: the lessons' spelling, made American throughout ("canceling"),
reaches databases that loaded the earlier wording."""

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
    dependencies = [("lessons", "0005_connecting_lessons_and_safety_wording")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
