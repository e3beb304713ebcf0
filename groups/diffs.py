"""What changed in a listing since a moderator last looked, said the way people say it.

Each field goes by its label on the form, with human values on both sides ("In person" →
"Hybrid (in person and online)", a schedule as one line per meeting, "Yes"/"No", a zone by
its name). A private field says that it changed and never what it says: the address, venue
and pin of a group whose location is private, and every group's meeting link (shared only
with approved members), of which only the host is named."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from dbtselfhelp.zones import zone_name

from . import geo

# The private fields of a group whose location is private.
LOCATION_FIELDS = ("venue", "address", "postal_code", "latitude", "longitude")
# Shown first, in the order of the form; anything else after them.
ORDER = [
    "name",
    "description",
    "format",
    "language",
    "module",
    "audiences",
    "schedule",
    "time_zone",
    "location_privacy",
    "venue",
    "address",
    "town",
    "region",
    "postal_code",
    "country",
    "pin",
    "meeting_url",
    "accepting_new_members",
    "capacity",
    "contact_name",
    "wheelchair_accessible",
    "accessibility_notes",
]


@dataclass(frozen=True)
class Change:
    """One field's change. `before` and `after` are lists of lines (empty for a private field)."""

    key: str
    label: str
    before: list = field(default_factory=list)
    after: list = field(default_factory=list)
    private: bool = False
    note: str = ""

    def as_record(self):
        """The form kept in a ListingEvent's history: [label, before, after, private, note]."""
        return [self.label, "\n".join(self.before), "\n".join(self.after), self.private, self.note]

    @classmethod
    def from_record(cls, record):
        """A change as the history keeps it. Records older than this format kept raw values
        (a Python list, a choice's code), so of those only the label is shown."""
        if isinstance(record, (list, tuple)) and len(record) == 5:
            label, before, after, private, note = record
            return cls(
                key="",
                label=str(label),
                before=str(before).splitlines() if before else [],
                after=str(after).splitlines() if after else [],
                private=bool(private),
                note=str(note),
            )
        label = record[0] if isinstance(record, (list, tuple)) and record else str(record)
        return cls(key="", label=str(label), note=_("changed"))


def _labels():
    from .models import PeerGroup

    labels = {f.name: str(f.verbose_name) for f in PeerGroup._meta.fields}
    labels.update(
        name=_("Group name"),
        module=_("Skill module the group is working on now"),
        audiences=_("Especially for"),
        schedule=_("When it meets"),
        pin=_("Map pin"),
    )
    return {key: value[:1].upper() + value[1:] for key, value in labels.items()}


def _choices():
    from .models import COUNTRIES, LANGUAGES, PeerGroup

    return {
        "format": dict(PeerGroup.Format.choices),
        "language": dict(LANGUAGES),
        "country": dict(COUNTRIES),
        "location_privacy": dict(PeerGroup.LocationPrivacy.choices),
    }


def _empty():
    return _("(none)")


def display(key, value):
    """A snapshot's raw value as lines a person reads."""
    if key in ("audiences", "schedule"):
        lines = [str(item) for item in value or []]
        if not lines:
            return [_("Any adult") if key == "audiences" else _("No meeting times")]
        return lines
    if isinstance(value, bool):
        return [_("Yes") if value else _("No")]
    if key == "capacity":
        return [str(value) if value else _("No limit")]
    if key == "module":
        return [str(value) if value else _("Not working on one module")]
    if key == "time_zone":
        return [f"{zone_name(value)} ({value})" if value else _("Filled in from the location")]
    choices = _choices().get(key)
    if choices is not None:
        return [str(choices.get(value, value))] if value else [_empty()]
    if value is None or value == "":
        return [_empty()]
    return str(value).splitlines() or [_empty()]


def _pin(lat, lng):
    return f"{lat:.5f}, {lng:.5f}" if lat is not None and lng is not None else _("No pin")


def _moved(before, after):
    if None in (*before, *after):
        return ""
    km = geo.distance_km(*before, *after)
    if km < 1:
        return _("Moved %(m)d m.") % {"m": round(km * 1000)}
    return _("Moved %(km).1f km.") % {"km": km}


def _host(url):
    return urlsplit(url or "").hostname or ""


def history_records(changes_since_review):
    """The changes as a ListingEvent keeps them: {language: [record]} for each of the site's languages,
    so the history reads in its reader's language whoever made the change (labels and values are
    words of the interface). `changes_since_review` is the group's method, called once per language."""
    records = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            records[code] = [change.as_record() for change in changes_since_review()]
    return records


def records_in_language(records):
    """The records for the active language from what history_records kept (or, from before it, the
    list kept in the language of the person who made the change)."""
    if isinstance(records, dict):
        language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
        return records.get(language) or records.get(settings.LANGUAGE_CODE) or []
    return records or []


def listing_changes(before, after, *, private_location):
    """[Change] from the snapshot a moderator approved (`before`) to the listing now (`after`).
    `private_location`: the group's location is private now or was at the last review."""
    labels = _labels()
    changes = {}
    for key in after:
        if key in ("latitude", "longitude") or before.get(key) == after[key]:
            continue
        label = labels.get(key, key)
        if key == "meeting_url":
            old, new = _host(before.get(key)), _host(after[key])
            if old and new and old != new:
                note = _("The link changed from one on %(old)s to one on %(new)s.") % {"old": old, "new": new}
            elif new and old:
                note = _("The link on %(host)s changed.") % {"host": new}
            elif new:
                note = _("A link on %(host)s was added.") % {"host": new}
            else:
                note = _("The link was removed.")
            changes[key] = Change(key, label, private=True, note=note + " " + _("Links are private, so not shown."))
        elif private_location and key in LOCATION_FIELDS:
            changes[key] = Change(key, label, private=True, note=_("Changed. Private, so not shown here."))
        else:
            changes[key] = Change(key, label, display(key, before.get(key)), display(key, after[key]))
    old_pin = (before.get("latitude"), before.get("longitude"))
    new_pin = (after.get("latitude"), after.get("longitude"))
    if old_pin != new_pin:
        if private_location:
            changes["pin"] = Change("pin", labels["pin"], private=True, note=_("Moved. Private, so not shown here."))
        else:
            changes["pin"] = Change(
                "pin", labels["pin"], [_pin(*old_pin)], [_pin(*new_pin)], note=_moved(old_pin, new_pin)
            )
    rank = {key: n for n, key in enumerate(ORDER)}
    return sorted(changes.values(), key=lambda change: rank.get(change.key, len(ORDER)))
