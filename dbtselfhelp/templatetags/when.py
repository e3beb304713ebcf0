"""{{ value|when:"weekday_day_month_time" }}: a date in the page's language (dbtselfhelp.formats)."""

from django import template

from dbtselfhelp import formats

register = template.Library()


@register.filter(expects_localtime=True)
def when(value, kind):
    return formats.when(value, kind)
