from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.zones import zone_choices

from . import geocoding
from .models import LANGUAGES, Audience, JoinRequest, MeetingTime, Notice, PeerGroup, Report
from .waiting import WaitingRequest

ADDRESS_FIELDS = ("address", "town", "region", "postal_code", "country")
PIN_KEEP, PIN_MOVE = "keep", "address"


class GroupForm(forms.ModelForm):
    audiences = forms.ModelMultipleChoiceField(
        label=_("Especially for"),
        queryset=Audience.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if the group is open to any adult."),
    )

    class Meta:
        model = PeerGroup
        fields = [
            "name",
            "description",
            "format",
            "language",
            "module",
            "audiences",
            "accessibility_notes",
            "wheelchair_accessible",
            "capacity",
            "accepting_new_members",
            "contact_name",
            "location_privacy",
            "venue",
            "address",
            "town",
            "region",
            "postal_code",
            "country",
            "latitude",
            "longitude",
            "meeting_url",
            "time_zone",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "accessibility_notes": forms.Textarea(attrs={"rows": 3}),
            "format": forms.RadioSelect,
            "location_privacy": forms.RadioSelect,
            "latitude": forms.NumberInput(attrs={"step": "any"}),
            "longitude": forms.NumberInput(attrs={"step": "any"}),
            "meeting_url": forms.URLInput(attrs={"placeholder": "https://"}),
        }
        help_texts = {
            "latitude": _("Filled in from the address. Correct it if the pin is in the wrong place."),
        }

    # Asked only when the address changes under a pin the facilitator placed by hand.
    pin = forms.ChoiceField(
        label=_("You changed the address, and you placed the pin yourself. Where should the pin be?"),
        choices=[
            (PIN_KEEP, _("Keep the pin where I placed it")),
            (PIN_MOVE, _("Move the pin to the new address (its ZIP code's or town's center)")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=zone_choices(current=self.instance.time_zone))
        self.fields["module"].empty_label = _("Not working on one module")
        self.location = None
        self.asks_about_pin = False

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 3:
            raise forms.ValidationError(_("Please give the group a name of at least 3 characters."))
        return name

    def clean_meeting_url(self):
        url = self.cleaned_data["meeting_url"]
        if url and not url.lower().startswith("https://"):
            raise forms.ValidationError(_("Meeting links must start with https://."))
        return url

    def clean(self):
        data = super().clean()
        group_format = data.get("format")
        in_person = group_format in (PeerGroup.Format.IN_PERSON, PeerGroup.Format.HYBRID)
        online = group_format in (PeerGroup.Format.ONLINE, PeerGroup.Format.HYBRID)
        if online and not data.get("meeting_url") and "meeting_url" not in self.errors:
            self.add_error("meeting_url", _("Online and hybrid groups need a meeting link."))
        if not in_person:
            if not data.get("time_zone") and "time_zone" not in self.errors:
                self.add_error("time_zone", _("Online groups need a time zone, so people see the right times."))
            return data

        if not data.get("town"):
            self.add_error("town", _("Give the town or city where the group meets."))
        lat, lng = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lng is None):
            self.add_error("latitude", _("Give both latitude and longitude, or leave both empty."))
            return data
        address_changed = self.instance.pk and any(f in self.changed_data for f in ADDRESS_FIELDS)
        pin_moved = {"latitude", "longitude"} & set(self.changed_data)
        placed_by_hand = self.instance.location_source == "facilitator" and self.instance.latitude is not None
        if lat is not None and address_changed and not pin_moved and placed_by_hand:
            # Never silently replace a pin the facilitator placed: ask, and do what they choose.
            if data.get("pin") not in (PIN_KEEP, PIN_MOVE):
                self.asks_about_pin = True
                self.add_error("pin", _("Choose whether to keep your pin or move it to the new address."))
                return data
            if data["pin"] == PIN_KEEP:
                address_changed = False
        if self.errors:
            return data
        found = lat is None or (address_changed and not pin_moved)
        self.location = geocoding.place_listing(
            address=data.get("address", ""),
            town=data.get("town", ""),
            region=data.get("region", ""),
            postal_code=data.get("postal_code", ""),
            country=data.get("country", "US"),
            latitude=None if found else lat,
            longitude=None if found else lng,
            time_zone=data.get("time_zone", ""),
        )
        if self.location is None:
            self.add_error(
                "postal_code",
                _(
                    "We could not find this place on the map. Check the town and the ZIP or postal code, "
                    "or enter the latitude and longitude yourself."
                ),
            )
            return data
        data["latitude"], data["longitude"] = self.location.latitude, self.location.longitude
        if found:
            self.instance.location_source = self.location.source
        elif pin_moved:
            self.instance.location_source = "facilitator"
        data["time_zone"] = self.location.time_zone
        if not data["time_zone"]:
            self.add_error("time_zone", _("We could not tell the time zone from the location: please choose it."))
        return data


class MeetingTimeForm(forms.ModelForm):
    class Meta:
        model = MeetingTime
        fields = ["weekday", "start", "end", "recurrence", "starts_on", "week_of_month"]
        widgets = {
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"week_of_month": _("For once a month.")}


class BaseMeetingTimeFormSet(BaseInlineFormSet):
    """At least one meeting time, counted from what will be saved, not from the management form:
    a posted INITIAL_FORMS of -1 (or any number that is not the truth) made Django treat the
    filled rows as existing ones and save none of them."""

    default_error_messages = {
        **BaseInlineFormSet.default_error_messages,
        "too_few_forms": _("Give at least one meeting time."),
    }

    def initial_form_count(self):
        if not self.is_bound:
            return super().initial_form_count()
        existing = self.get_queryset().count() if self.instance.pk else 0
        return max(0, min(super().initial_form_count(), existing))

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        deleted = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        kept = set(self.get_queryset().values_list("pk", flat=True)) - deleted if self.instance.pk else set()
        new = [form for form in self.extra_forms if form.has_changed() and not self._should_delete_form(form)]
        if len(kept) + len(new) < 1:
            raise forms.ValidationError(self.error_messages["too_few_forms"], code="too_few_forms")


MeetingTimeFormSet = inlineformset_factory(
    PeerGroup,
    MeetingTime,
    form=MeetingTimeForm,
    formset=BaseMeetingTimeFormSet,
    extra=1,
    min_num=1,
    validate_min=True,
    max_num=7,
    validate_max=True,
    can_delete=True,
)


class NoticeForm(forms.ModelForm):
    class Meta:
        model = Notice
        fields = ["date", "text", "cancels_meeting"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_date(self):
        day = self.cleaned_data["date"]
        today = timezone.now().date()
        if day < today:
            raise forms.ValidationError(_("The date has already passed."))
        if (day - today).days > 366:
            raise forms.ValidationError(_("Notices can be at most a year ahead."))
        return day


class ReportForm(forms.ModelForm):
    class Meta:
        model = Report
        fields = ["reason", "text"]
        widgets = {"reason": forms.RadioSelect, "text": forms.Textarea(attrs={"rows": 4})}


class SignedOutReportForm(ReportForm):
    """The report form for someone not signed in: the same questions, and a field people never
    see (hidden by CSS, skipped by keyboard and screen readers) that only robots fill in."""

    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the facilitators)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Ask the facilitators a question"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "E-mailed to the group's facilitators and kept in the listing's history. The reporter is not named."
        ),
    )


class OptionalNoteForm(forms.Form):
    note = forms.CharField(label=_("Note for the record (optional)"), max_length=2000, required=False)


class JoinRequestForm(forms.ModelForm):
    class Meta:
        model = JoinRequest
        fields = ["message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the member (optional)"),
        max_length=1000,
        required=False,
        widget=forms.TextInput,
    )


class WaitingRequestForm(forms.Form):
    """ "Tell me when a group starts near here": the point the search found (never the words
    typed), how far, which kind of group, which language; an e-mail address for visitors."""

    RADII = [(5, "5"), (10, "10"), (25, "25"), (50, "50"), (100, "100")]

    latitude = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput)
    longitude = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(label=_("Within"), choices=RADII, coerce=int, initial=25)
    units = forms.ChoiceField(label=_("Units"), choices=[("mi", _("miles")), ("km", _("km"))], initial="mi")
    format = forms.ChoiceField(
        label=_("Kind of group"), choices=WaitingRequest.Format.choices, initial=WaitingRequest.Format.EITHER
    )
    language = forms.ChoiceField(label=_("Language"), choices=[("", _("Any language"))] + LANGUAGES, required=False)
    email = forms.EmailField(label=_("Your e-mail address"), required=False, max_length=254)
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_suffix = ""
        self.member = user is not None and user.is_authenticated
        if self.member:
            del self.fields["email"]
        else:
            self.fields["email"].required = True
            self.fields["email"].help_text = _("We send one e-mail to confirm. Nothing else until a group starts.")
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self):
        return bool(self.cleaned_data.get("website"))

    @property
    def radius_km(self):
        radius = self.cleaned_data["radius"]
        return radius * 1.609344 if self.cleaned_data["units"] == "mi" else float(radius)


class RotationStartForm(forms.Form):
    """The date week 1 of the skills rotation began (or begins): usually the day of a meeting."""

    starts_on = forms.DateField(
        label=_("Week 1 begins on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The date of the meeting that starts week 1. The week moves on every seven days from it."),
    )

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_starts_on(self):
        day = self.cleaned_data["starts_on"]
        if (self.today - day).days > 5 * 366:
            raise forms.ValidationError(_("Give a date in the last five years."))
        if (day - self.today).days > 366:
            raise forms.ValidationError(_("Give a date at most a year ahead."))
        return day


class RotationPinForm(forms.Form):
    week = forms.TypedChoiceField(label=_("Week to pin"), coerce=int)

    def __init__(self, *args, weeks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["week"].choices = [
            (week.number, _("Week %(n)d: %(skill)s") % {"n": week.number, "skill": week.skill_name}) for week in weeks
        ]
