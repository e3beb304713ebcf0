from django import template
from django.templatetags.tz import do_timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def in_zone(value, zone):
    """An aware datetime shown in the given zone (a ZoneInfo or an IANA name). Uses Django's
    own `timezone` filter, which also stops later filters converting it back to UTC."""
    if value is None or not zone:
        return value
    return do_timezone(value, zone)


@register.filter
def webcal(url):
    """The subscribe form of a calendar's absolute address: calendar apps open webcal:// links
    as a subscription that stays up to date, where an https:// link is a one-off download."""
    scheme, _sep, rest = str(url).partition("://")
    return f"webcal://{rest}" if scheme in ("http", "https") and rest else url


@register.filter
def confirmed_ago(days):
    if days is None:
        return ""
    if days <= 0:
        return _("today")
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


@register.simple_tag
def status_badge(group):
    from django.utils.html import format_html

    return format_html('<span class="badge badge--{}">{}</span>', group.status, group.get_status_display())


@register.filter
def readable_changes(records):
    """A ListingEvent's stored changes as diffs.Change, old records included."""
    from groups.diffs import Change, records_in_language

    return [Change.from_record(record) for record in records_in_language(records)]


@register.filter
def history_zone(user, group):
    """The zone a listing's history is shown in: the viewer's own (their account setting),
    else the group's, else UTC, so a time is never shown without saying in which zone."""
    from dbtselfhelp.zones import is_zone

    for zone in (getattr(user, "time_zone", ""), getattr(group, "time_zone", "")):
        if zone and is_zone(zone):
            return zone
    return "UTC"


@register.filter
def zone_label(zone):
    """'America/New_York' as 'Eastern Time (America/New_York)'."""
    from dbtselfhelp.zones import zone_name

    return f"{zone_name(zone)} ({zone})" if zone and zone != "UTC" else "UTC"
