"""Full-text search for the embedded default: SQLite FTS5 indexes of lessons and skills, kept in step
with their tables by triggers, so every save, edit and delete (the ORM's, the admin's, a migration's) is
searchable at once. PostgreSQL ranks with its own full-text search and needs nothing here."""

from django.db import migrations

TABLES = {
    # index: (table, columns)
    "lessons_lesson_fts": ("lessons_lesson", ("title", "summary", "body")),
    "lessons_skill_fts": ("lessons_skill", ("name", "expansion", "summary")),
}


def statements(index, table, columns):
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {index} USING fts5({cols}, content='{table}', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE ON {table} BEGIN "
        f"INSERT INTO {index}({index}, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {index}(rowid, {cols}) VALUES (new.id, {new}); END",
        f"INSERT INTO {index}({index}) VALUES ('rebuild')",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for index, (table, columns) in TABLES.items():
        for sql in statements(index, table, columns):
            schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for index in TABLES:
        for suffix in ("insert", "delete", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {index}_{suffix}")
        schema_editor.execute(f"DROP TABLE IF EXISTS {index}")


class Migration(migrations.Migration):
    dependencies = [("lessons", "0006_american_spelling")]

    operations = [migrations.RunPython(create, drop)]
