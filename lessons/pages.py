"""The site's information pages, kept as Markdown files under lessons/content/pages/ (English) and
lessons/content/<language>/pages/."""

from dataclasses import dataclass
from functools import cache
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent / "content"


@dataclass(frozen=True)
class ContentFile:
    slug: str
    meta: dict
    body: str

    @property
    def title(self):
        return self.meta.get("title", self.slug)

    @property
    def summary(self):
        return self.meta.get("summary", "")


def parse_content_file(path):
    """A file of 'key: value' header lines, a line '---', then a Markdown body."""
    text = Path(path).read_text(encoding="utf-8")
    header, _, body = text.partition("\n---\n")
    meta = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip()] = value.strip()
    return ContentFile(slug=Path(path).stem, meta=meta, body=body.strip())


@cache
def get_page(slug, language="en"):
    """An information page in the language (lessons/content/<language>/pages/), else in English."""
    for folder in (CONTENT_DIR / language / "pages", CONTENT_DIR / "pages"):
        path = folder / f"{slug}.md"
        if path.is_file():
            return parse_content_file(path)
    return None
