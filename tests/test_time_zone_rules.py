"""Times are computed with the pinned IANA release, not whatever the operating system has."""

from datetime import datetime
from importlib.metadata import version
from pathlib import Path
from zoneinfo import TZPATH, ZoneInfo

import tzdata

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def test_zone_rules_come_from_the_pinned_tzdata_package_only():
    assert TZPATH == ()
    pinned = next(line for line in REQUIREMENTS.read_text().splitlines() if line.startswith("tzdata=="))
    assert pinned.split("==")[1].split()[0] == version("tzdata")


def test_the_rules_in_use_are_the_2026_release():
    # 2026f: British Columbia keeps UTC-7 and Alberta UTC-6 all year from 2026 (2025b still
    # had both falling back in November).
    assert tzdata.IANA_VERSION == "2026f"
    winter = datetime(2026, 12, 15, 12)
    assert winter.replace(tzinfo=ZoneInfo("America/Vancouver")).utcoffset().total_seconds() == -7 * 3600
    assert winter.replace(tzinfo=ZoneInfo("America/Edmonton")).utcoffset().total_seconds() == -6 * 3600
    assert winter.replace(tzinfo=ZoneInfo("Europe/London")).utcoffset().total_seconds() == 0
