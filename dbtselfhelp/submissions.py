"""A random token in each form whose action saves something and sends e-mail (the contact form, a
join request, a report), so the same form sent again is recognised.

After an error (a 503 while the database restarts, a connection lost, a worker killed) a person
cannot know whether their message went, and sends it again. The token is recorded with the action,
in its transaction (outbox.Submission): a form whose token is recorded was acted on, and is
answered as it was the first time, neither saved twice nor refused as "already asked". A form
shown again with its errors keeps its token; each new form gets a new one.
"""

import re
import secrets

from outbox.models import Submission
from outbox.services import submission_record

FIELD = "submission"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


class FormToken:
    """The token of the form on this request: the one it carried when posted, or a new one to show.
    `kind` names the form and whose it is ("contact", "join:<group>:<user>"), so a token means one form."""

    def __init__(self, request, kind):
        posted = request.POST.get(FIELD, "") if request.method == "POST" else ""
        self.carried = bool(TOKEN.fullmatch(posted))
        self.token = posted if self.carried else secrets.token_urlsafe(18)
        self.key = f"{kind}:{self.token}"

    def done(self):
        """True when a form with this token was acted on already."""
        return self.carried and Submission.objects.filter(key=self.key).exists()

    def record(self):
        """Record it, in the caller's transaction; False when it was recorded already (sent twice at once)."""
        return submission_record(key=self.key)
