"""The gazetteer loader: the embedded GeoNames towns into Place, safe to run again."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from groups.geocoding import geocode
from groups.models import Place


def load(*args):
    out, err = StringIO(), StringIO()
    call_command("load_places", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_the_towns_of_one_country(db):
    out, _ = load("--countries", "IS")
    reykjavik = Place.objects.get(name="Reykjavík")
    assert reykjavik.search_name == "reykjavik"
    assert reykjavik.country_code == "IS"
    assert reykjavik.time_zone == "Atlantic/Reykjavik"
    assert reykjavik.population > 100_000
    assert set(Place.objects.values_list("country_code", flat=True)) == {"IS"}
    assert f"Loaded {Place.objects.count()} places" in out


def test_running_it_twice_updates_rather_than_duplicates(db):
    load("--countries", "IS,LU")
    count = Place.objects.count()
    Place.objects.filter(name="Reykjavík").update(population=1, search_name="stale")
    load("--countries", "IS,LU")
    assert Place.objects.count() == count
    reykjavik = Place.objects.get(name="Reykjavík")
    assert reykjavik.population > 100_000
    assert reykjavik.search_name == "reykjavik"


def test_it_shows_progress_on_one_line_of_stderr(db):
    _, err = load("--countries", "LU")
    assert err.startswith("\rLoading places [")
    assert "100%" in err
    assert err.endswith("\n")
    assert err.count("\n") == 1


def test_a_higher_minimum_population_loads_fewer_towns(db):
    load("--countries", "LU", "--min-population", "10000")
    assert Place.objects.exists()
    assert not Place.objects.filter(population__lt=10000).exists()


def test_regions_get_codes_and_names_people_write(db):
    load("--countries", "US,CA,GB,IE,AU", "--min-population", "15000")

    def region(name, country):
        place = Place.objects.filter(name=name, country_code=country).order_by("-population").first()
        return place.region_code, place.region_name

    assert region("Springfield", "US") == ("MO", "Missouri")
    assert region("Toronto", "CA") == ("ON", "Ontario")
    assert region("Montréal", "CA") == ("QC", "Quebec")
    assert region("Sydney", "AU") == ("NSW", "New South Wales")
    assert region("Perth", "AU") == ("WA", "Western Australia")
    assert region("Leeds", "GB") == ("ENG", "England")
    assert region("Cardiff", "GB") == ("WLS", "Wales")
    assert region("Cork", "IE") == ("M", "Munster")


def test_other_countries_regions_are_left_empty_rather_than_guessed(db):
    load("--countries", "LU")
    assert set(Place.objects.values_list("region_code", "region_name")) == {("", "")}


def test_loaded_towns_can_be_searched(db):
    load("--countries", "IS")
    location = geocode("reykjavik").location
    assert location.label == Place.objects.get(name="Reykjavík").label
    assert location.time_zone == "Atlantic/Reykjavik"


def test_an_unknown_country_is_an_error(db):
    with pytest.raises(CommandError):
        load("--countries", "XX")


# The postcodes: UK from Code-Point Open, Canada and Australia from countrystatecity.


def load_postcodes(*args):
    out, err = StringIO(), StringIO()
    call_command("load_postcodes", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_uk_sectors_and_districts_with_their_points(db):
    load("--countries", "GB", "--min-population", "15000")
    out, err = load_postcodes("--countries", "GB", "--areas", "LS")
    from groups.models import PostalCode

    codes = set(PostalCode.objects.values_list("code", flat=True))
    assert {"LS1", "LS6", "LS1 4", "LS6 3"} <= codes
    assert all(code.startswith("LS") for code in codes)
    ls1 = PostalCode.objects.get(code="LS1")
    assert ls1.kind == PostalCode.Kind.UK_DISTRICT and ls1.name == "Leeds city centre"
    assert 53.78 < ls1.latitude < 53.81 and -1.57 < ls1.longitude < -1.53  # Leeds city centre
    assert f"Loaded {len(codes):,} postcodes" in out
    assert err.startswith("\rLoading postcodes [") and "100%" in err


def test_it_loads_canadian_areas_and_australian_postcodes_and_running_it_again_changes_nothing(db):
    from groups.models import PostalCode

    load_postcodes("--countries", "CA,AU")
    count = PostalCode.objects.count()
    PostalCode.objects.filter(code="M5V").update(latitude=0)
    load_postcodes("--countries", "CA,AU")
    assert PostalCode.objects.count() == count
    assert PostalCode.objects.get(country_code="CA", code="M5V").latitude > 43
    assert PostalCode.objects.filter(country_code="CA").count() > 1600
    assert PostalCode.objects.filter(country_code="AU").count() > 3000


def test_it_refuses_a_country_it_has_no_postcodes_for(db):
    with pytest.raises(CommandError, match="GB, CA, AU"):
        load_postcodes("--countries", "FR")
