"""One way for a rule to say no.

Every service that refuses an action raises ActionRefused (or a subclass): the message is for
the person, written for them and marked for translation; the status is the HTTP answer a view
gives when it shows the refusal on a page (400 bad input, 403 not theirs to do, 404 gone,
409 not from this state, 429 too many today). Services never return False or raise a private
exception type for a refusal, so the rule holds wherever the service is called from: a view,
Django's shell or a management command.

Views translate a refusal in one place, this module: `@refusals_shown(redirect_to=...)` turns it
into an error message and a redirect, or, without `redirect_to`, a page with the message and the
status; a view that shows its form again puts the refusal on the form with `error.onto(form)`.
(The same idea as zulip's JsonableError, for a site of HTML pages.)
"""

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render


class ActionRefused(Exception):
    """An action a rule does not allow: the person's message and the HTTP status to answer with."""

    status = 403

    def __init__(self, message, status: int | None = None):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def onto(self, form, field: str | None = None) -> int:
        """Show the refusal on a form that is shown again; the status to show it with."""
        form.add_error(field, str(self.message))
        return self.status


class NotAllowed(ActionRefused):
    """The person may not do this (not a facilitator of the group, not a moderator…)."""

    status = 403


class WrongState(ActionRefused):
    """Not from the state the thing is in (deciding what is decided, rejecting what is published)."""

    status = 409


class LimitReached(ActionRefused):
    """Allowed, but not this many times today."""

    status = 429


class Incomplete(ActionRefused):
    """Something the action needs is missing (a meeting time, a reason)."""

    status = 400


def refusals_shown(redirect_to=None):
    """A view decorator, the one place an ActionRefused from a service becomes what the person
    sees. With `redirect_to` (a URL name, or a callable given the request and the view's keyword
    arguments that answers what redirect() takes): the message as an error and a redirect there,
    as the console's actions do. Without: a page with the message, answered with the refusal's
    status."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ActionRefused as error:
                if redirect_to is None:
                    return render(request, "refused.html", {"message": error.message}, status=error.status)
                messages.error(request, error.message)
                return redirect(redirect_to(request, **kwargs) if callable(redirect_to) else redirect_to)

        return wrapper

    return decorator
