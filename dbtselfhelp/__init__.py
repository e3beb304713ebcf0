"""DBT Self-Help Groups.

Zone rules come from the pinned `tzdata` package on every platform, never from the operating
system's copy, which can be years old (Debian's was 2025b when British Columbia and Alberta
changed their rules for 2026): an empty search path makes `zoneinfo` read the package alone.
This runs before settings, so no zone is loaded from the system first."""

import zoneinfo

zoneinfo.reset_tzpath(to=[])
zoneinfo.ZoneInfo.clear_cache()
