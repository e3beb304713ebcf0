"""Markdown to HTML, sanitised: no raw HTML, scripts, event handlers or unsafe links survive, and
text people write never sets an element's id, class, style or any other attribute. (An id from a
facilitator's description, `## x {#map-points}`, once came ahead of the map's data element.) So no
attribute-list or footnote syntax, and the sanitiser keeps only a link's address and an
abbreviation's expansion."""

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "li",
    "ol", "p", "pre", "strong", "ul", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
# "*": no attribute on every element (left out, the sanitiser would keep lang and title everywhere).
ALLOWED_ATTRIBUTES = {"*": set(), "a": {"href"}, "abbr": {"title"}}
# Python-Markdown's "extra" without attr_list ({#id}, {.class}, {: key=value}), footnotes (which
# make ids) and md_in_html (raw HTML is dropped anyway).
EXTENSIONS = ["abbr", "def_list", "fenced_code", "tables", "sane_lists"]


def render_markdown(text: str | None) -> SafeString:
    """Sanitised HTML for a Markdown string, safe to put in a template."""
    html = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "sms"},  # the crisis page: tap to call, tap to text
        link_rel="nofollow noopener",
    )
    return mark_safe(clean)


def render_site_content(text: str | None) -> SafeString:
    """The site's own pages and lessons (shipped files, edited by staff): the same, except that a
    heading may carry an id (`## Domestic abuse {#domestic-abuse}`) so other pages can link to it.
    Never for text members or facilitators write: that goes through render_markdown."""
    html = md.markdown(text or "", extensions=[*EXTENSIONS, "attr_list"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={**ALLOWED_ATTRIBUTES, "h2": {"id"}, "h3": {"id"}},
        url_schemes={"http", "https", "mailto", "tel", "sms"},
        link_rel="nofollow noopener",
    )
    return mark_safe(clean)
