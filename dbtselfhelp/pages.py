"""The information pages (about, privacy, terms, crisis...): the site's, not one app's. Their text is
Markdown under lessons/content/pages/ and lessons/content/<language>/pages/, beside the lessons, so a
translator finds everything to translate in one folder."""

from functools import cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from lessons.content_files import CONTENT_DIR, ContentFile, parse_content_file
from lessons.translations import language_base

from .markdown import render_site_content

INFORMATION_PAGES = (
    "about",
    "privacy",
    "terms",
    "crisis",
    "what-is-dbt",
    "skills-defined",
    "instant-mindfulness",
    "everyday-dbt",
    "links",
)


def url_name(slug: str) -> str:
    """The URL name of an information page: "what-is-dbt" is `page_what_is_dbt`."""
    return f"page_{slug.replace('-', '_')}"


@cache
def get_page(slug: str, language: str = "en") -> ContentFile | None:
    """An information page in the language (lessons/content/<language>/pages/), else in English."""
    for folder in (CONTENT_DIR / language / "pages", CONTENT_DIR / "pages"):
        path = folder / f"{slug}.md"
        if path.is_file():
            return parse_content_file(path)
    return None


def information_page(request: HttpRequest, slug: str) -> HttpResponse:
    page = get_page(slug, language_base()) if slug in INFORMATION_PAGES else None
    if page is None:
        raise Http404
    return render(request, "information_page.html", {"page": page, "body": render_site_content(page.body)})
