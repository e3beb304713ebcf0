"""Text people write never sets an element's id, class, style or other attribute: a facilitator's
`## x {#map-points}` once rendered `<h2 id="map-points">` ahead of the map's own data element."""

import re
from html.parser import HTMLParser

import pytest

from dbtselfhelp.markdown import render_markdown
from tests.conftest import make_group

ATTEMPTS = [
    "## Our venue {#map-points}",
    "## Styled {.danger .hidden}",
    "Paragraph {: #x .y data-points='[1]' onclick='alert(1)' style='display:none' }",
    '[link](https://example.org "title"){#clobber}',
    "A note[^1].\n\n[^1]: With a footnote.",
    '<h2 id="map-points" class="x">raw</h2><div data-points="x">raw</div>',
    "```{.python #code}\nprint(1)\n```",
    "| a | b |\n|:--|--:|\n| 1 | 2 |",
    "*[HTML]: Hyper Text\n\nHTML here",
]


class Attributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        self.found.update((tag, name) for name, _ in attrs)


def attributes(html):
    parser = Attributes()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("text", ATTEMPTS)
def test_no_attribute_but_a_links_address_survives(text):
    html = str(render_markdown(text))
    assert attributes(html) <= {("a", "href"), ("a", "rel"), ("abbr", "title")}, html


def test_a_link_keeps_its_address(db):
    html = str(render_markdown("[the library](https://example.org/library)"))
    assert '<a href="https://example.org/library" rel="nofollow noopener">the library</a>' in html


def test_a_description_cannot_take_the_maps_id(client, facilitator, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    group = make_group(facilitator, description="## Where we are {#map-points}\n\nNear the park.")
    body = client.get(group.get_absolute_url()).content.decode()
    assert body.count('id="map-points"') == 1
    assert re.search(r'<script id="map-points" type="application/json">', body)
    assert "<h2>Where we are {#map-points}</h2>" in body  # the attribute is left as the text it was
