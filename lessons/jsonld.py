"""schema.org Article JSON-LD for lesson pages."""

from django.conf import settings
from django.utils.translation import get_language


def article_jsonld(lesson, *, url):
    return {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": lesson.title,
        "description": lesson.summary,
        "url": url,
        "mainEntityOfPage": url,
        "author": {"@type": "Organization", "name": lesson.author},
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
        "datePublished": lesson.published_at.isoformat() if lesson.published_at else None,
        "dateModified": lesson.updated_at.isoformat() if lesson.updated_at else None,
        "articleSection": lesson.module.name,
        "about": [skill.name for skill in lesson.skills.all()],
        "wordCount": len(lesson.body.split()),
        # The language the reader gets: the page's where the lesson is translated, English where not.
        "inLanguage": get_language() if lesson.is_translated else settings.LANGUAGE_CODE,
    }
