"""Load the shipped skills and lessons (lessons/content/) into the database. Idempotent:
rows are updated by slug, so a second run changes nothing that is already the same."""

import json

from .content_files import CONTENT_DIR, parse_content_file


def load_content(*, SkillModule, Skill, Lesson, now):
    modules = {m.slug: m for m in SkillModule.objects.all()}
    skills = json.loads((CONTENT_DIR / "skills.json").read_text(encoding="utf-8"))
    by_slug = {}
    for order, item in enumerate(skills):
        skill, _ = Skill.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "name": item["name"],
                "expansion": item.get("expansion", ""),
                "module": modules[item["module"]],
                "summary": item["summary"],
                "steps": item.get("steps", []),
                "order": order,
            },
        )
        by_slug[skill.slug] = skill
    for order, path in enumerate(sorted((CONTENT_DIR / "lessons").glob("*.md"))):
        content = parse_content_file(path)
        lesson, created = Lesson.objects.update_or_create(
            slug=content.slug,
            defaults={
                "title": content.meta["title"],
                "module": modules[content.meta["module"]],
                "summary": content.meta.get("summary", ""),
                "body": content.body,
                "status": "published",
                "order": order,
            },
        )
        if created or lesson.published_at is None:
            lesson.published_at = now
            lesson.save(update_fields=["published_at"])
        names = [s.strip() for s in content.meta.get("skills", "").split(",") if s.strip()]
        lesson.skills.set([by_slug[name] for name in names])
