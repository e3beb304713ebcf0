"""Moved to dbtselfhelp/markdown.py (the project's, not one app's). This re-export keeps
groups/views/listing.py working until its import reads `from dbtselfhelp.markdown import render_markdown`."""

from dbtselfhelp.markdown import render_markdown, render_site_content

__all__ = ["render_markdown", "render_site_content"]
