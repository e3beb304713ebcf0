"""The contact page: a message to the site, kept for moderators, with a copy to the sender."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dbtselfhelp.emails import send_templated_email
from dbtselfhelp.ratelimits import allow_email, rate_limited, sender_key
from dbtselfhelp.submissions import FormToken

from ..forms import ContactForm
from ..models import ContactMessage

PER_ADDRESS_PER_HOUR = 3


def _over_limit(email):
    since = timezone.now() - timedelta(hours=1)
    return ContactMessage.objects.filter(email__iexact=email, created_at__gte=since).count() >= PER_ADDRESS_PER_HOUR


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
        if _over_limit(form.cleaned_data["email"]):
            form.add_error(None, _("You have sent several messages in the last hour. Please try again later."))
            return render(request, "accounts/contact.html", context, status=429)
        with transaction.atomic():  # the message, both e-mails and the token: all saved, or none
            if submission.record():
                message = form.save()
                email_context = {"message": message}
                send_templated_email(template="contact_message", to=[settings.CONTACT_EMAIL], context=email_context,
                                     reply_to=[message.email])  # fmt: skip
                # The copy goes to an address the sender typed: limited per sender and per address, so the
                # form cannot be used to send strangers mail (the message itself still reaches the site).
                if allow_email("contact_confirmation", sender=sender_key(request), recipient=message.email):
                    send_templated_email(template="contact_confirmation", to=[message.email], context=email_context)
        messages.success(request, thanks)
        return redirect("contact")
    return render(request, "accounts/contact.html", context, status=400 if request.method == "POST" else 200)
