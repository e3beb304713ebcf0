"""The site's content files: lessons, toolkit pages and information pages, kept as Markdown files
with a small header under lessons/content/ (English) and lessons/content/<language>/ (translations),
one folder for everything a translator works on."""

from dataclasses import dataclass
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
