"""{% crisis_line %}: the footer's crisis line, for the visitor's country where it is known."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from lessons import crisis
from lessons.translations import language_base

register = template.Library()


@register.simple_tag(takes_context=True)
def crisis_line(context):
    country = crisis.country_from_request(context.get("request"))
    more = format_html('<a href="{}">{}</a>', reverse("page_crisis"), _("More crisis resources"))
    heading = format_html("<strong>{}</strong>", _("In crisis or in danger?"))
    found = crisis.lines_for(country)
    if found:
        lines, where, emergency = found
        said = format_html_join("; ", "{}, {}", ((line.name, crisis.links(line)) for line in lines))
        return format_html(
            "{} {}: {}. {} {}",
            heading,
            where,
            said,
            format_html(
                _("In an emergency, call {number}."),
                number=format_html('<a href="tel:{}">{}</a>', emergency, emergency),
            ),
            more,
        )
    if crisis.LINES_IN.get(language_base()):
        return format_html("{} {} {}", heading, _everywhere_in(crisis.LINES_IN[language_base()]), more)
    everywhere = format_html(
        _(
            "US and Canada: call or text {call} ({text}); UK and Ireland: Samaritans, {uk}; Australia: Lifeline, "
            "{au}; elsewhere, your local emergency number."
        ),
        call=mark_safe('<a href="tel:988">988</a>'),
        text=format_html('<a href="sms:988">{}</a>', crisis.TEXT),
        uk=mark_safe('<a href="tel:116123">116 123</a>'),
        au=mark_safe('<a href="tel:131114">13 11 14</a>'),
    )
    return format_html("{} {} {}", heading, everywhere, more)


def _everywhere_in(table):
    """Where the visitor's country is unknown, in a language with lines of its own: those that serve its
    speakers (not the ones that answer only in English: the crisis page has them), then the local
    emergency number."""
    served = [(where, lines[0]) for lines, where, _emergency in table.values() if lines[0].note != crisis.IN_ENGLISH]
    said = format_html_join("; ", "{}: {}, {}", ((where, line.name, crisis.links(line)) for where, line in served))
    return format_html("{}; {}.", said, _("elsewhere, your local emergency number"))
