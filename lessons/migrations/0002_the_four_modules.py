from django.db import migrations

MODULES = [
    (
        "mindfulness",
        "Mindfulness",
        "The core skills: noticing what is happening inside and around you, without judging it, "
        "so that you can choose what to do next from wise mind.",
    ),
    (
        "distress-tolerance",
        "Distress Tolerance",
        "Getting through a crisis without making it worse, and accepting what cannot be changed right now.",
    ),
    (
        "emotion-regulation",
        "Emotion Regulation",
        "Understanding emotions, lowering how vulnerable you are to painful ones, and changing the ones "
        "that do not fit the facts.",
    ),
    (
        "interpersonal-effectiveness",
        "Interpersonal Effectiveness",
        "Asking for what you need and saying no, while keeping your relationships and your self-respect.",
    ),
]


def add_modules(apps, schema_editor):
    SkillModule = apps.get_model("lessons", "SkillModule")
    for order, (slug, name, summary) in enumerate(MODULES, start=1):
        SkillModule.objects.update_or_create(slug=slug, defaults={"name": name, "summary": summary, "order": order})


class Migration(migrations.Migration):
    dependencies = [("lessons", "0001_skill_module")]

    operations = [migrations.RunPython(add_modules, migrations.RunPython.noop)]
