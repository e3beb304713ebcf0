# The site's English forms, kept as they were before other languages came (Django's own English
# ones are American: "Dec. 1, 2026", "7:30 p.m."). Other languages use Django's locale data.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
TIME_FORMAT = "g:i A"
