"""A fixed grid of cells about PRIVATE_LOCATION_CELL_KM across, covering the Earth: the coarse
area that stands in for a place whose exact position is private.

A private group is published as the centre of the cell its venue falls in, so every private group
in one cell publishes the same point, moving within a cell publishes nothing new, and no number of
groups, searches or moves says more than "somewhere in this cell". Issue 18 keeps the places of
people waiting for a group as cells too (`Cell.key`).

The grid: latitude is cut into bands of equal height (the cell size in degrees of latitude); each
band is cut into equal slices of longitude, as many as fit the cell size at the band's middle
latitude, so cells are nearly square everywhere and a band near a pole has few of them. Nothing
about the grid depends on any group: it is a function of the cell size alone.

    cell = cell_for(40.8116, -73.955)
    cell.centre        # (40.80599, -73.94049), rounded to 5 decimals
    cell.key           # "2.5:5824:3574", stable while the size setting is unchanged
    cell.contains(40.81, -73.96)
"""

import math
from dataclasses import dataclass

from django.conf import settings

from . import geo

# The grid's own definition, not a measurement (distances are groups/geo.py's): how many bands and
# slices it has. Every stored cell key and private group's public point depends on it, so it stays.
GRID_KM_PER_DEGREE = 111.32
DEFAULT_SIZE_KM = 2.5


def cell_size_km() -> float:
    return float(getattr(settings, "PRIVATE_LOCATION_CELL_KM", DEFAULT_SIZE_KM))


@dataclass(frozen=True)
class Cell:
    size_km: float
    row: int  # latitude band, 0 at the south pole
    col: int  # slice of longitude within the band, 0 at 180° W
    south: float
    north: float
    west: float
    east: float

    @property
    def centre(self) -> tuple[float, float]:
        """(latitude, longitude) of the cell's middle, rounded to 5 decimals (about a metre)."""
        return round((self.south + self.north) / 2, 5), round((self.west + self.east) / 2, 5)

    @property
    def key(self) -> str:
        """A short stable name for the cell, e.g. "2.5:5824:3574" (size, row, column)."""
        return f"{self.size_km:g}:{self.row}:{self.col}"

    def contains(self, latitude: float, longitude: float) -> bool:
        lng = _wrap(longitude)
        in_lat = self.south <= latitude < self.north or (self.north >= 90 and latitude == 90)
        return in_lat and self.west <= lng < self.east

    @property
    def half_diagonal_km(self) -> float:
        """The farthest a point in the cell can be from its centre."""
        height = (self.north - self.south) * geo.KM_PER_DEGREE
        middle = math.radians((self.south + self.north) / 2)
        width = (self.east - self.west) * geo.KM_PER_DEGREE * math.cos(middle)
        return math.hypot(height, width) / 2


def _rows(size_km):
    return max(1, round(180 * GRID_KM_PER_DEGREE / size_km))


def _cols(row, rows, size_km):
    height = 180 / rows
    middle = math.radians(-90 + (row + 0.5) * height)
    return max(1, math.floor(360 * GRID_KM_PER_DEGREE * math.cos(middle) / size_km))


def _wrap(longitude):
    """Longitude in [-180, 180)."""
    return ((longitude + 180) % 360) - 180


def cell_for(latitude: float, longitude: float, *, size_km: float | None = None) -> Cell:
    """The cell holding (latitude, longitude). Latitude in [-90, 90], any longitude."""
    if not (math.isfinite(latitude) and math.isfinite(longitude)) or not -90 <= latitude <= 90:
        raise ValueError("not a point on the Earth")
    size_km = float(size_km or cell_size_km())
    rows = _rows(size_km)
    height = 180 / rows
    row = min(math.floor((latitude + 90) / height), rows - 1)
    cols = _cols(row, rows, size_km)
    width = 360 / cols
    col = min(math.floor((_wrap(longitude) + 180) / width), cols - 1)
    return Cell(
        size_km=size_km,
        row=row,
        col=col,
        south=-90 + row * height,
        north=-90 + (row + 1) * height,
        west=-180 + col * width,
        east=-180 + (col + 1) * width,
    )


def cell_centre(latitude: float, longitude: float, *, size_km: float | None = None) -> tuple[float, float]:
    """The public stand-in for a private point: its cell's centre."""
    return cell_for(latitude, longitude, size_km=size_km).centre


def cell_from_key(key: str) -> Cell:
    """The cell a key names ("2.5:5824:3574"): for counts kept by key, such as people waiting."""
    size_text, row_text, col_text = key.split(":")
    size_km, row, col = float(size_text), int(row_text), int(col_text)
    rows = _rows(size_km)
    height = 180 / rows
    width = 360 / _cols(row, rows, size_km)
    return Cell(
        size_km=size_km,
        row=row,
        col=col,
        south=-90 + row * height,
        north=-90 + (row + 1) * height,
        west=-180 + col * width,
        east=-180 + (col + 1) * width,
    )
