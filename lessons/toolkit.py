"""The facilitator's toolkit: five printable pages kept as Markdown under lessons/content/toolkit/,
served like the information pages, in reading order, each linked to the next. Another language's
copy is lessons/content/<language>/toolkit/; a page it lacks shows in English."""

from functools import cache

from django.http import Http404
from django.shortcuts import render

from dbtselfhelp.markdown import render_markdown

from .content_files import CONTENT_DIR, parse_content_file
from .translations import language_base

# Reading order: from deciding to start a group to running it week by week.
TOOLKIT_PAGES = (
    "starting-a-group",
    "meeting-format",
    "group-agreements",
    "crisis-during-a-meeting",
    "skills-rotation",
)


@cache
def get_toolkit_page(slug, language="en"):
    if slug not in TOOLKIT_PAGES:
        return None
    translated = CONTENT_DIR / language / "toolkit" / f"{slug}.md"
    return parse_content_file(translated if translated.is_file() else CONTENT_DIR / "toolkit" / f"{slug}.md")


def toolkit_pages():
    return [get_toolkit_page(slug, language_base()) for slug in TOOLKIT_PAGES]


def toolkit_index(request):
    return render(request, "lessons/toolkit_index.html", {"pages": toolkit_pages()})


def toolkit_page(request, slug):
    page = get_toolkit_page(slug, language_base())
    if page is None:
        raise Http404
    pages = toolkit_pages()
    index = TOOLKIT_PAGES.index(slug)
    context = {
        "page": page,
        "body": render_markdown(page.body),
        "previous": pages[index - 1] if index > 0 else None,
        "next": pages[index + 1] if index + 1 < len(pages) else None,
        "printed_from": request.build_absolute_uri(request.path),
    }
    return render(request, "lessons/toolkit_page.html", context)
