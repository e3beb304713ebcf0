from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.zones import zone_choices

from . import geocoding
from .models import Audience, JoinRequest, MeetingTime, Notice, PeerGroup, Report

ADDRESS_FIELDS = ("address", "town", "region", "postal_code", "country")


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
            "name", "description", "format", "language", "module", "audiences",
            "accessibility_notes", "wheelchair_accessible", "capacity", "accepting_new_members", "contact_name",
            "location_privacy", "venue", "address", "town", "region", "postal_code", "country",
            "latitude", "longitude", "meeting_url", "time_zone",
        ]  # fmt: skip
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].widget = forms.Select(choices=zone_choices(current=self.instance.time_zone))
        self.fields["module"].empty_label = _("Not working on one module")
        self.location = None

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
        if lat is None or (address_changed and not pin_moved):
            if self.errors:
                return data
            self.location = geocoding.locate_listing(
                address=data.get("address", ""),
                town=data.get("town", ""),
                region=data.get("region", ""),
                postal_code=data.get("postal_code", ""),
                country=data.get("country", "US"),
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
            self.instance.location_source = self.location.source
        else:
            self.instance.location_source = self.instance.location_source if not pin_moved else "facilitator"
        if not data.get("time_zone"):
            data["time_zone"] = (self.location and self.location.time_zone) or geocoding.time_zone_at(
                data["latitude"], data["longitude"]
            )
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


MeetingTimeFormSet = inlineformset_factory(
    PeerGroup,
    MeetingTime,
    form=MeetingTimeForm,
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


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Their e-mail address"))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the facilitators)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
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
