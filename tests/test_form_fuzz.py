"""Every main form, fuzzed: whatever is posted, the answer is the form again or a redirect,
never a 500, and nothing is half-saved. CSRF checks are enforced, as in a browser: the client
sends the token a form page gave it, and a post without one is refused."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import ContactMessage, ProfessionalProfile
from groups.models import JoinRequest, MeetingTime, Notice, PeerGroup, Report
from tests.groups.forms import listing_data

junk = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=10),  # NUL and the other control characters
    st.sampled_from(
        [
            "",
            " ",
            "NaN",
            "inf",
            "-1",
            "0",
            "1e309",
            "99999999999999999999",
            "2026-02-30",
            "25:61",
            "javascript:alert(1)",
            "<script>x</script>",
            "\x00",
            "abc\x00def",
            "\x01\x02\x1b[31m\x7f",
            "line\r\nbreak\ttab",
            "é" * 300,
            "x" * 6000,
        ]
    ),
    st.integers().map(str),
)
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


class BrowserClient(Client):
    """Enforces CSRF like the real site, and posts the token from the cookie a form page set."""

    def __init__(self):
        super().__init__(enforce_csrf_checks=True)

    def post(self, path, data=None, **extra):
        if django_settings.CSRF_COOKIE_NAME not in self.cookies:
            self.get(reverse("contact"))  # any page with a form sets the cookie
        token = self.cookies[django_settings.CSRF_COOKIE_NAME].value
        return super().post(path, {**(data or {}), "csrfmiddlewaretoken": token}, **extra)


@pytest.fixture
def client(settings):
    # The fuzz sends many posts in one test: lift the flood limits so each one reaches the form.
    settings.RATE_LIMITS = {action: [("ip", "10000/h")] for action in settings.RATE_LIMITS}
    return BrowserClient()


@FUZZ
@given(data=st.dictionaries(st.sampled_from(sorted(listing_data())), junk, max_size=8))
def test_the_listing_form(client, facilitator, data):
    client.force_login(facilitator)
    before = (PeerGroup.objects.count(), MeetingTime.objects.count())
    response = client.post(reverse("group_create"), {**listing_data(), **data})
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert (PeerGroup.objects.count(), MeetingTime.objects.count()) == before


# Text a person could type: any letters, marks, digits, punctuation and spaces, no control characters.
typed = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=300)


def test_the_report_form(client, member, group, settings):
    """Valid and junk reports mixed: an accepted one saves exactly the one report it sent, a
    refused one saves nothing, and both happen."""
    settings.REPORTS_PER_USER_PER_DAY = 10_000
    client.force_login(member)
    outcomes = []
    valid = st.fixed_dictionaries(
        {"reason": st.sampled_from(["closed", "wrong", "inappropriate", "other"]), "text": typed}
    )

    @FUZZ
    @given(fields=st.one_of(valid, st.fixed_dictionaries({"reason": junk, "text": junk})))
    def send(fields):
        before = set(Report.objects.values_list("pk", flat=True))
        response = client.post(reverse("group_report", args=[group.slug]), fields)
        assert response.status_code in (302, 400), response.status_code
        new = Report.objects.exclude(pk__in=before)
        if response.status_code == 302:
            assert [(r.group, r.reporter, r.reason, r.text) for r in new] == [
                (group, member, fields["reason"], fields["text"].strip())
            ]
        else:
            assert not new.exists()
        outcomes.append(response.status_code)

    send()
    assert outcomes.count(302) >= 5 and outcomes.count(400) >= 5, outcomes


def test_the_notice_form(client, facilitator, group):
    """Valid and junk notices mixed: an accepted one saves exactly the notice it sent, a refused
    one saves nothing, and both happen."""
    client.force_login(facilitator)
    outcomes = []
    today = timezone.now().date()
    valid = st.fixed_dictionaries(
        {
            "date": st.integers(1, 300).map(lambda days: (today + timedelta(days=days)).isoformat()),
            "text": typed.filter(lambda text: text.strip()),
            "cancels_meeting": st.sampled_from(["", "on"]),
        }
    )

    @FUZZ
    @given(fields=st.one_of(valid, st.fixed_dictionaries({"date": junk, "text": junk, "cancels_meeting": junk})))
    def send(fields):
        before = set(Notice.objects.values_list("pk", flat=True))
        response = client.post(reverse("group_notices", args=[group.slug]), fields)
        assert response.status_code in (302, 400), response.status_code
        new = Notice.objects.exclude(pk__in=before)
        if response.status_code == 302:
            assert [(n.group, n.date.isoformat(), n.text, n.cancels_meeting) for n in new] == [
                (group, fields["date"], fields["text"].strip(), fields["cancels_meeting"] == "on")
            ]
        else:
            assert not new.exists()
        outcomes.append(response.status_code)

    send()
    assert outcomes.count(302) >= 5 and outcomes.count(400) >= 5, outcomes


@FUZZ
@given(message=junk)
def test_the_join_form(client, member, group, message):
    client.force_login(member)
    JoinRequest.objects.filter(user=member).delete()
    response = client.post(reverse("group_join", args=[group.slug]), {"message": message})
    assert response.status_code in (302, 400, 429)
    saved = list(JoinRequest.objects.filter(user=member).values_list("group", "status", "message"))
    assert saved == ([(group.pk, "pending", message.strip())] if response.status_code == 302 else [])


def test_the_contact_form(client, db, monkeypatch):
    """Valid and junk messages mixed: an accepted one saves exactly the message it sent (none when
    the robots' hidden field is filled), a refused one saves nothing, and both happen."""
    monkeypatch.setattr("accounts.contact.PER_ADDRESS_PER_HOUR", 10_000)
    outcomes = []
    valid = st.fixed_dictionaries(
        {
            "name": typed.filter(lambda text: text.strip() and len(text.strip()) <= 120),
            "email": st.from_regex(r"[a-z][a-z0-9]{0,20}@example\.(org|com)", fullmatch=True),
            "topic": st.sampled_from(["endorsement", "listing", "press", "other"]),
            "message": typed.filter(lambda text: text.strip()),
            "website": st.just(""),
        }
    )
    junk_fields = st.fixed_dictionaries({"name": junk, "email": junk, "topic": junk, "message": junk, "website": junk})

    @FUZZ
    @given(fields=st.one_of(valid, junk_fields))
    def send(fields):
        before = set(ContactMessage.objects.values_list("pk", flat=True))
        response = client.post(reverse("contact"), fields)
        assert response.status_code in (302, 400), response.status_code
        new = ContactMessage.objects.exclude(pk__in=before)
        if response.status_code == 302 and not fields["website"].strip():
            sent = (fields["name"].strip(), fields["email"], fields["topic"], fields["message"].strip())
            assert [(m.name, m.email, m.topic, m.message) for m in new] == [sent]
            outcomes.append("saved")
        else:
            assert not new.exists()
            outcomes.append(response.status_code)

    send()
    assert outcomes.count("saved") >= 5 and outcomes.count(400) >= 5, outcomes


PROFESSIONAL_FIELDS = [
    "public_name",
    "profession",
    "credentials",
    "licence_number",
    "licence_region",
    "organisation",
    "website",
    "statement",
    "open_to_contact",
    "consent",
]


@FUZZ
@given(fields=st.fixed_dictionaries({name: junk for name in PROFESSIONAL_FIELDS}))
def test_the_endorsement_form(client, member, fields):
    client.force_login(member)
    ProfessionalProfile.objects.filter(user=member).delete()
    response = client.post(reverse("professional_join"), fields)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert not ProfessionalProfile.objects.filter(user=member).exists()


@pytest.mark.parametrize("url", ["account", "account_delete"])
@FUZZ
@given(value=junk)
def test_account_forms(client, member, url, value):
    client.force_login(member)
    member.refresh_from_db()
    before = member.display_name
    response = client.post(reverse(url), {"display_name": value, "password": value, "confirm": value})
    assert response.status_code in (200, 302, 400)
    if response.status_code == 400:  # unreadable input (a NUL byte): refused before the form, nothing changed
        member.refresh_from_db()
        assert member.display_name == before


CSRF_FORMS = [
    ("group_create", lambda group: [], PeerGroup),
    ("group_report", lambda group: [group.slug], Report),
    ("group_notices", lambda group: [group.slug], Notice),
    ("group_join", lambda group: [group.slug], JoinRequest),
    ("contact", lambda group: [], ContactMessage),
    ("professional_join", lambda group: [], ProfessionalProfile),
]


@pytest.mark.parametrize(("name", "args", "model"), CSRF_FORMS)
def test_a_post_without_the_csrf_token_is_refused(facilitator, member, group, name, args, model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(facilitator if name in ("group_create", "group_notices") else member)
    before = model.objects.count()
    data = {
        **listing_data(),
        "reason": "wrong",
        "date": "2026-12-25",
        "text": "No meeting",
        "message": "Hello",
        "name": "Robin",
        "email": "robin@example.org",
        "topic": "press",
    }
    response = client.post(reverse(name, args=args(group)), data)
    assert response.status_code == 403
    assert "That form has expired" in response.content.decode()
    assert model.objects.count() == before
