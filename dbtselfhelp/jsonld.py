"""JSON-LD in a page: the one way the site writes structured data into HTML (lessons, groups)."""

import json

from django.utils.safestring import SafeString, mark_safe


def as_script(data: dict) -> SafeString:
    """A <script type="application/ld+json"> block; <, > and & escaped so text cannot close it."""
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return mark_safe(f'<script type="application/ld+json">{text}</script>')
