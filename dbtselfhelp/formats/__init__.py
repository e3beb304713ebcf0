"""Dates and times in each language's own forms.

English keeps the site's forms (dbtselfhelp/formats/en/formats.py: "Tuesday 1 December, 7:30 PM");
every other language uses Django's own locale data (for Spanish "martes 3 de diciembre, 19:30"),
so a new language brings its forms with it. Pages and e-mails name a *kind* of date, never a pattern:
`{{ value|when:"weekday_day_month_time" }}` in templates, `when(value, "...")` in Python.
"""

import datetime

from django.utils import dateformat
from django.utils.formats import get_format


def pattern(kind):
    """The active language's pattern for a kind of date, built from its Django formats."""
    day_month = get_format("MONTH_DAY_FORMAT")
    date = get_format("DATE_FORMAT")
    time = get_format("TIME_FORMAT")
    patterns = {
        "date": date,  # 1 December 2026 / 1 de diciembre de 2026
        "short_date": get_format("SHORT_DATE_FORMAT"),  # 1 Dec 2026 / 01/12/2026
        "day_month": day_month,  # 1 December / 1 de diciembre
        "weekday_day_month": f"l {day_month}",  # Tuesday 1 December / martes 1 de diciembre
        "weekday_date": f"l {date}",
        "month_year": get_format("YEAR_MONTH_FORMAT"),
        "time": time,  # 7:30 PM / 19:30
        "weekday_day_month_time": f"l {day_month}, {time}",
        "weekday_date_time": f"l {date}, {time}",
        "short_date_time": f"{get_format('SHORT_DATE_FORMAT')}, H:i",
    }
    return patterns[kind]


def when(value, kind):
    """`value` (a date, time or datetime) as the active language writes that kind of date; "" for None."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.time):
        return dateformat.time_format(value, pattern(kind))
    return dateformat.format(value, pattern(kind))
