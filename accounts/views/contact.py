"""The contact page: a message to the site, kept for moderators, with a copy to the sender."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dbtselfhelp.errors import ActionRefused
from dbtselfhelp.ratelimits import rate_limited, sender_key
from dbtselfhelp.submissions import FormToken

from .. import contact as contact_messages
from ..forms import ContactForm


@rate_limited("contact")
def contact(request):
    initial = {"name": request.user.display_name, "email": request.user.email} if request.user.is_authenticated else {}
    form = ContactForm(request.POST or None, initial=initial)
    submission = FormToken(request, "contact")
    context = {"form": form, "submission": submission}
    if request.method == "POST" and form.is_valid():
        thanks = _("Thank you. Your message is on its way, and we have sent you a copy.")
        if form.is_spam:  # a robot filled the hidden field: say thanks, keep nothing
            messages.success(request, thanks)
            return redirect("contact")
        if submission.done():  # sent again after an error: it went the first time
            messages.success(request, thanks)
            return redirect("contact")
        try:
            contact_messages.contact_message_send(
                message=form.save(commit=False), sender=sender_key(request), submission=submission
            )
        except ActionRefused as error:
            return render(request, "accounts/contact.html", context, status=error.onto(form))
        messages.success(request, thanks)
        return redirect("contact")
    return render(request, "accounts/contact.html", context, status=400 if request.method == "POST" else 200)
