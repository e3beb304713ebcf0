"""Moved: the listing form's pin map is drawn by groups/maps.py (`maps.pin_map`), with the search's map.

This re-export keeps `groups/views/listing.py` working until its import is changed to `from ..maps import pin_map`."""

from .maps import pin_map

__all__ = ["pin_map"]
