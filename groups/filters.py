"""The search's filters (django-filter) and the location part of the search form."""

import math
import zoneinfo
from datetime import time

import django_filters
from django import forms
from django.core.cache import cache
from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef, Q, Value
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lessons.models import SkillModule
from lessons.translations import translated_name

from .format_words import take_online
from .models import LANGUAGES, WEEKDAYS, Audience, MeetingTime, PeerGroup

TIMES_OF_DAY = [
    ("morning", _("Morning (before noon)")),
    ("afternoon", _("Afternoon (noon to 5 pm)")),
    ("evening", _("Evening (after 5 pm)")),
]
TIME_RANGES = {
    "morning": (time(0), time(12)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(23, 59, 59)),
}
MINUTE_RANGES = {"morning": (0, 720), "afternoon": (720, 1020), "evening": (1020, 1440)}
MAX_RADIUS = 250


def _cached_choices(key, queryset_values):
    """Slug choices for modules and audiences, cached so validating them costs no query."""
    choices = cache.get(key)
    if choices is None:
        choices = list(queryset_values())
        cache.set(key, choices, 300)
    return choices


def module_choices():
    """The modules by their names in the page's language (lessons/content/<language>/modules.json)."""
    choices = _cached_choices("choices:modules", lambda: SkillModule.objects.values_list("slug", "name"))
    return [(slug, translated_name("skillmodule", slug, name)) for slug, name in choices]


def audience_choices():
    choices = _cached_choices("choices:audiences", lambda: Audience.objects.values_list("slug", "name"))
    return [(slug, gettext(name)) for slug, name in choices]  # the seeded names are in the catalogue


class SearchFiltersForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""


class GroupFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Words in the name or description"), method="filter_words", max_length=100)
    day = django_filters.MultipleChoiceFilter(
        label=_("Day"), choices=WEEKDAYS, method="filter_day", widget=forms.CheckboxSelectMultiple
    )
    time = django_filters.MultipleChoiceFilter(
        label=_("Time of day"), choices=TIMES_OF_DAY, method="filter_time", widget=forms.CheckboxSelectMultiple
    )
    format = django_filters.ChoiceFilter(
        label=_("Format"), choices=PeerGroup.Format.choices, empty_label=_("Any"), method="filter_format"
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=LANGUAGES, empty_label=_("Any"))
    module = django_filters.ChoiceFilter(
        label=_("Skill module"), choices=module_choices, field_name="module__slug", empty_label=_("Any")
    )
    audience = django_filters.ChoiceFilter(
        label=_("Especially for"), choices=audience_choices, method="filter_audience", empty_label=_("Anyone")
    )
    accessible = django_filters.BooleanFilter(
        label=_("Step-free / wheelchair accessible"),
        field_name="wheelchair_accessible",
        widget=forms.CheckboxInput,
        method="filter_true",
    )
    open = django_filters.BooleanFilter(label=_("Taking new members"), widget=forms.CheckboxInput, method="filter_open")

    class Meta:
        model = PeerGroup
        fields = []
        form = SearchFiltersForm

    def filter_words(self, queryset, name, value):
        value, online = take_online(value)  # "online", "en línea": a format, not words of a name
        if online:
            queryset = queryset.filter(format__in=[PeerGroup.Format.ONLINE, PeerGroup.Format.HYBRID])
        words = value.split()[:6]
        for word in words:
            queryset = queryset.filter(Q(name__icontains=word) | Q(description__icontains=word))
        return queryset

    def filter_day(self, queryset, name, value):
        days = [int(v) for v in value]
        return queryset.filter(Exists(MeetingTime.objects.filter(group=OuterRef("pk"), weekday__in=days)))

    # Set by the view before the results are read: the viewer's zone (or None) and the time.
    viewer_zone = None
    now = None

    def filter_format(self, queryset, name, value):
        """Hybrid groups meet both ways, so they answer a search for either."""
        if value in (PeerGroup.Format.ONLINE, PeerGroup.Format.IN_PERSON):
            return queryset.filter(format__in=[value, PeerGroup.Format.HYBRID])
        return queryset.filter(format=value)

    def filter_time(self, queryset, name, value):
        """Morning, afternoon or evening where the meeting is; for an online group, where the
        viewer is, when their zone is known (7 pm in Edinburgh is not an evening in San Francisco).
        The viewer's clock is the meeting's start as a UTC minute of the week, at their offset now."""
        local, viewer = Q(), Q()
        for slot in value:
            low, high = TIME_RANGES[slot]
            local |= Q(start__gte=low, start__lt=high) if slot != "evening" else Q(start__gte=low)
            viewer |= Q(viewer_minute__gte=MINUTE_RANGES[slot][0], viewer_minute__lt=MINUTE_RANGES[slot][1])
        meetings = MeetingTime.objects.filter(group=OuterRef("pk"))
        if self.viewer_zone is None:
            return queryset.filter(Exists(meetings.filter(local)))
        offset = int((self.now or timezone.now()).astimezone(self.viewer_zone).utcoffset().total_seconds() // 60)
        minute = Mod(F("utc_minute_of_week") + Value(offset + 10080), Value(1440))
        meetings = meetings.annotate(viewer_minute=ExpressionWrapper(minute, output_field=IntegerField()))
        online = Q(format=PeerGroup.Format.ONLINE)
        if self.form.cleaned_data.get("format") == PeerGroup.Format.ONLINE:
            online |= Q(format=PeerGroup.Format.HYBRID)  # the viewer would join from home
        return queryset.filter((online & Exists(meetings.filter(viewer))) | (~online & Exists(meetings.filter(local))))

    def filter_audience(self, queryset, name, value):
        return queryset.filter(
            Exists(PeerGroup.audiences.through.objects.filter(peergroup=OuterRef("pk"), audience__slug=value))
        )

    def filter_open(self, queryset, name, value):
        """Taking new members, and not full: a group at capacity is not open, whatever it says."""
        return queryset.taking_members() if value else queryset

    def filter_true(self, queryset, name, value):
        # An unticked box means "any", not "only those without it".
        return queryset.filter(**{name: True}) if value else queryset


class LocationForm(forms.Form):
    """Where to search: what was typed, or the browser's coordinates, and how far."""

    near = forms.CharField(label=_("ZIP code, postcode or town"), max_length=200, required=False, strip=True)
    lat = forms.FloatField(min_value=-90, max_value=90, required=False, widget=forms.HiddenInput)
    lng = forms.FloatField(min_value=-180, max_value=180, required=False, widget=forms.HiddenInput)
    radius = forms.FloatField(
        label=_("Within"),
        min_value=1,
        max_value=MAX_RADIUS,
        required=False,
        widget=forms.Select,
    )
    units = forms.ChoiceField(label=_("Units"), choices=[("mi", _("miles")), ("km", _("km"))], required=False)
    tz = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)

    RADIUS_CHOICES = (5, 10, 25, 50, 100, 250)

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.label_suffix = ""
        choices = [(r, str(r)) for r in self.RADIUS_CHOICES]
        current = (data or {}).get("radius")
        try:
            value = float(current) if current else None
        except ValueError:
            value = None
        if value is not None and math.isfinite(value) and 1 <= value <= MAX_RADIUS and value not in self.RADIUS_CHOICES:
            choices.append((current, current))
        self.fields["radius"].widget.choices = choices

    def show_defaults(self, *, radius, units):
        """Display the radius and units the search actually used, when the URL left them out."""
        if self.data is not None and hasattr(self.data, "_mutable"):
            self.data = self.data.copy()
            self.data.setdefault("radius", str(radius))
            self.data["units"] = units

    def clean_near(self):
        near = self.cleaned_data["near"]
        if any(ord(ch) < 32 for ch in near):
            raise forms.ValidationError(_("Please type a town or a ZIP code."))
        return near

    def clean_tz(self):
        zone = self.cleaned_data["tz"]
        if not zone:
            return ""
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return ""
        return zone

    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None) and not self.errors:
            raise forms.ValidationError(_("Both latitude and longitude are needed."))
        for key in ("lat", "lng", "radius"):
            value = data.get(key)
            if value is not None and not math.isfinite(value):
                self.add_error(key, _("Enter a number."))
        return data
