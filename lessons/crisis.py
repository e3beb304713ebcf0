"""The crisis lines the site names, by country, as tap-to-call and tap-to-text links.

One table per language, read by the footer (which follows the visitor's country where it is known: the place they
searched, else their browser's language, such as en-GB) and by the lessons search (which shows them first
when the words are words of crisis). The crisis page (content/pages/crisis.md) says the same at length.

A language other than English has its own table where lines serve its speakers differently (`LINES_IN`):
in Spanish, the 988 Lifeline's Spanish option and Spain's 024, and the English-only lines say so. A
country that table leaves out falls back to the English table.
"""

import re
from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Line:
    name: str
    number: str  # as written: "988", "116 123"
    call: str = ""  # tel: target, or "" when it takes no calls
    text: str = ""  # sms: target, or "" when it takes no texts
    text_word: str = ""  # a word to send first, such as HOME
    note: str = ""  # said after the links: "press 2 for Spanish", "in English"


US = (
    Line("988 Suicide & Crisis Lifeline", "988", call="988", text="988"),
    Line("Crisis Text Line", "741741", text="741741", text_word="HOME"),
)
CANADA = (Line("9-8-8 Suicide Crisis Helpline", "9-8-8", call="988", text="988"),)
SAMARITANS = (Line("Samaritans", "116 123", call="116123"),)
AUSTRALIA = (Line("Lifeline", "13 11 14", call="131114"),)

# country -> (the lines, how to say where, the emergency number)
LINES = {
    "US": (US, _("In the US"), "911"),
    "CA": (CANADA, _("In Canada"), "911"),
    "GB": (SAMARITANS, _("In the UK"), "999"),
    "IE": (SAMARITANS, _("In Ireland"), "112"),
    "AU": (AUSTRALIA, _("In Australia"), "000"),
}

# The lines that serve Spanish speakers (the Spanish crisis page, content/es/pages/crisis.md, in short).
IN_ENGLISH = _("in English")
LINES_IN = {
    "es": {
        "US": (
            (
                Line(
                    "988 Suicide & Crisis Lifeline",
                    "988",
                    call="988",
                    text="988",
                    text_word="AYUDA",
                    note=_("press 2 for Spanish"),
                ),
            ),
            _("In the US"),
            "911",
        ),
        "ES": ((Line("Línea 024", "024", call="024"),), _("In Spain"), "112"),
        "CA": (
            (Line("9-8-8 Suicide Crisis Helpline", "9-8-8", call="988", text="988", note=IN_ENGLISH),),
            _("In Canada"),
            "911",
        ),
        "GB": ((Line("Samaritans", "116 123", call="116123", note=IN_ENGLISH),), _("In the UK"), "999"),
        "IE": ((Line("Samaritans", "116 123", call="116123", note=IN_ENGLISH),), _("In Ireland"), "112"),
        "AU": ((Line("Lifeline", "13 11 14", call="131114", note=IN_ENGLISH),), _("In Australia"), "000"),
    },
}


def lines_table():
    """{country: (lines, where, emergency)} for the active language."""
    language = (get_language() or "en").split("-")[0]
    return {**LINES, **LINES_IN.get(language, {})}


def lines_for(country):
    """(lines, where, emergency) for a country in the active language, or None where the site names none."""
    return lines_table().get(country)


CRISIS_WORDS = re.compile(
    r"\b(suicid\w*|kill(ing)? my ?self|end(ing)? (my|it all|my life)|take my (own )?life|want(ed)? to die|"
    r"self[- ]?harm\w*|hurt(ing)? my ?self|cut(ting)? my ?self|overdos\w*|od(ed|ing)?|no reason to live|"
    r"better off dead|can'?t go on|"
    # Spanish: suicid- above covers suicidio, suicidarme
    r"matarme|quitarme la vida|no quiero vivir|quiero morir(me)?|hacerme daño|autolesi\w*|sobredosis)\b",
    re.IGNORECASE,
)


def is_crisis(text):
    """Whether what someone typed speaks of suicide, self-harm or an overdose."""
    return bool(CRISIS_WORDS.search((text or "").replace("’", "'")))


TEXT = pgettext_lazy("send a text message to a number", "text")  # "text 988"
TEXT_WORD = pgettext_lazy("send a word by text message", "text")  # "text HOME to 741741"


def sms_href(line):
    # "?&body=" is read by both iOS ("&body") and Android ("?body").
    return f"sms:{line.text}?&body={line.text_word}" if line.text_word else f"sms:{line.text}"


def links(line):
    """'call <a href="tel:988">988</a> or text <a href="sms:988">988</a>', as the line allows."""
    parts = []
    if line.call:
        parts.append(format_html('{} <a href="tel:{}">{}</a>', _("call"), line.call, line.number))
    if line.text and line.text_word:
        to = pgettext_lazy("text a word to a number", "to")
        parts.append(
            format_html('{} <a href="{}">{} {} {}</a>', TEXT_WORD, sms_href(line), line.text_word, to, line.number)
        )
    elif line.text:
        parts.append(format_html('{} <a href="{}">{}</a>', TEXT, sms_href(line), line.number))
    said = format_html_join(format_html(" {} ", _("or")), "{}", ((part,) for part in parts))
    return format_html("{} ({})", said, line.note) if line.note else said


def country_from_request(request):
    """The visitor's country where it is known: set by a page that knows it (the search, from the place
    searched), else the region of the browser's first language ("en-GB" -> GB), else ""."""
    if request is None:
        return ""
    known = getattr(request, "visitor_country", "")
    if known:
        return known
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    first = header.split(",")[0].split(";")[0].strip()
    match = re.fullmatch(r"[A-Za-z]{2,3}[-_]([A-Za-z]{2})", first)
    return match[1].upper() if match else ""
