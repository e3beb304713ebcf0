from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Testimonial


class TestimonialForm(forms.ModelForm):
    class Meta:
        model = Testimonial
        fields = ["text", "display_name", "consent"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def clean_consent(self):
        if not self.cleaned_data["consent"]:
            raise forms.ValidationError(_("We can only publish it with your agreement."))
        return True

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if "@" in name:
            raise forms.ValidationError(_("Please do not use an e-mail address as the name."))
        return name
