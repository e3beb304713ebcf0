from django.http import Http404
from django.shortcuts import render

from .markdown import render_markdown
from .pages import get_page

INFORMATION_PAGES = (
    "about",
    "privacy",
    "terms",
    "crisis",
    "what-is-dbt",
    "skills-defined",
    "instant-mindfulness",
    "links",
)


def information_page(request, slug):
    page = get_page(slug) if slug in INFORMATION_PAGES else None
    if page is None:
        raise Http404
    return render(request, "lessons/page.html", {"page": page, "body": render_markdown(page.body)})
