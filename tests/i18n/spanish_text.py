"""What a person reads on a page: the text, and the attributes a browser shows or speaks (alt, title,
placeholder, aria-label, the description), leaving out what is marked as another language (lang="en":
the switcher's "English", an untranslated lesson) and scripts."""

import re
from html.parser import HTMLParser

SPOKEN_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []  # (tag, skipped)
        self.parts = []

    @property
    def skipping(self):
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skipped = tag in ("script", "style", "template") or (lang is not None and not lang.startswith("es"))
        if tag == "meta" and attrs.get("name") == "description" and not self.skipping:
            self.parts.append(attrs.get("content") or "")
        if not self.skipping and not skipped:
            self.parts.extend(attrs[name] for name in SPOKEN_ATTRIBUTES if attrs.get(name))
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in VOID:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def readable_text(html):
    reader = _Reader()
    reader.feed(html)
    return re.sub(r"\s+", " ", " ".join(reader.parts)).strip()
