"""The crisis page's numbers are tap-to-call and tap-to-text links, and the footer's crisis line follows
the visitor's country where it is known: the place they searched, else their browser's language."""

import re

import pytest
from django.urls import reverse

from groups.models import PostalCode


def footer_line(body):
    return re.search(r'<p class="crisis-line">(.*?)</p>', body, re.S)[1]


@pytest.mark.parametrize(
    ("language", "present", "absent"),
    [
        ("en-GB,en;q=0.9", ['href="tel:116123"', 'href="tel:999"', "Samaritans"], ['href="tel:988"']),
        ("en-AU", ['href="tel:131114"', 'href="tel:000"', "Lifeline"], ['href="tel:988"', "116 123"]),
        ("fr-CA,fr;q=0.9", ['href="tel:988"', 'href="sms:988"', 'href="tel:911"', "9-8-8"], ["116 123"]),
        ("en-US,en;q=0.9", ['href="tel:988"', 'href="sms:988"', 'href="sms:741741?&amp;body=HOME"'], ["116 123"]),
        ("en-IE", ['href="tel:116123"', 'href="tel:112"'], ['href="tel:988"']),
    ],
)
def test_the_footer_line_follows_the_browsers_country(client, db, language, present, absent):
    line = footer_line(client.get(reverse("page_about"), HTTP_ACCEPT_LANGUAGE=language).content.decode())
    for text in present:
        assert text in line, (language, text)
    for text in absent:
        assert text not in line, (language, text)
    assert f'href="{reverse("page_crisis")}"' in line


@pytest.mark.parametrize("language", ["", "de-DE", "en", "es", "*"])
def test_where_the_country_is_unknown_the_footer_lists_every_line(client, db, language):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    line = footer_line(client.get(reverse("page_about"), **headers).content.decode())
    for text in (
        'href="tel:988"',
        'href="sms:988"',
        'href="tel:116123"',
        'href="tel:131114"',
        "call or text",
        "your local emergency number",
    ):
        assert text in line, text


def test_the_footer_follows_the_place_searched_over_the_browser(client, db):
    PostalCode.objects.create(
        country_code="GB",
        code="LS1",
        kind=PostalCode.Kind.UK_DISTRICT,
        name="Leeds city centre",
        latitude=53.7976,
        longitude=-1.5514,
    )
    body = client.get(reverse("group_list"), {"near": "LS1"}, HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    line = footer_line(body)
    assert "Samaritans" in line and 'href="tel:988"' not in line


def test_the_crisis_page_numbers_are_tap_to_call_and_tap_to_text(client, db):
    body = client.get(reverse("page_crisis")).content.decode()
    main = body.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    for href in (
        "tel:988",
        "sms:988",
        "sms:741741?&amp;body=HOME",
        "tel:116123",
        "tel:131114",
        "tel:911",
        "tel:999",
        "tel:112",
        "tel:000",
        "tel:+18007997233",
        "sms:88788?&amp;body=START",
        "tel:+448082000247",
        "tel:+611800737732",
    ):
        assert f'href="{href}"' in main, href
