from django.db import migrations

AUDIENCES = [
    ("young-adults", "Young adults (18–25)"),
    ("adults", "Adults"),
    ("older-adults", "Older adults (60+)"),
    ("women", "Women"),
    ("men", "Men"),
    ("lgbtq", "LGBTQ+"),
    ("family-welcome", "Family and friends welcome"),
    ("parents", "Parents and carers"),
    ("veterans", "Veterans"),
    ("bipoc", "BIPOC"),
]


def add_audiences(apps, schema_editor):
    Audience = apps.get_model("groups", "Audience")
    for order, (slug, name) in enumerate(AUDIENCES, start=1):
        Audience.objects.update_or_create(slug=slug, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("groups", "0001_initial")]

    operations = [migrations.RunPython(add_audiences, migrations.RunPython.noop)]
