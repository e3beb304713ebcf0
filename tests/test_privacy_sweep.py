"""The privacy sweep: sign in as each kind of user, crawl every page, feed and calendar they can
reach (every route of the URL configuration, filled with real objects, and every link found on
the way), and fail if a secret shows where that person may not see it. The same crawl checks the
strict Content Security Policy: the header on every page, and no inline script, inline style,
event-handler attribute or javascript: URL in any HTML."""

import io
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.utils import timezone

from groups.models import FacilitatorInvitation, JoinRequest, MemberCalendar, Notice, Report
from groups.printing import pdf_engine
from lessons.models import Testimonial
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_user
from tests.test_every_url import fill, patterns

SKIP = ("/admin/", "/static/", "/accounts/logout/", "/account/delete/", "/account/export/")
MAX_PAGES = 400
URL_ATTRIBUTES = ("href", "src", "action", "formaction")

# Each secret, and the personas allowed to see it.
SECRETS = {
    "99 Secret Lane": {"facilitator", "approved_member"},
    "St Brigid": {"facilitator", "approved_member"},
    "quiet-harbour-secret": {"facilitator", "approved_member"},
    "PSY-998877": {"professional", "moderator"},  # a licence number: checked by moderators, never public
    "I would like to try the Tuesday group": {"facilitator", "requester"},  # a join-request message
    "requester@example.org": {"requester"},
    "approved@example.org": {"approved_member"},
    "dana@example.org": {"professional", "moderator"},
    "fran@example.org": {"facilitator"},
    "otto@example.org": {"other_facilitator"},
    "mo@example.org": {"moderator"},
    "alice@example.org": {"outsider"},
}
# Where each person is shown what only they may see, so the crawl is known to reach those pages.
MUST_SEE = {
    "facilitator": {
        "99 Secret Lane",
        "St Brigid",
        "quiet-harbour-secret",
        "I would like to try the Tuesday group",
        "fran@example.org",
    },
    "approved_member": {"99 Secret Lane", "St Brigid", "quiet-harbour-secret", "approved@example.org"},
    "requester": {"requester@example.org"},
    "professional": {"PSY-998877", "dana@example.org"},
    "moderator": {"PSY-998877", "mo@example.org"},
    "outsider": {"alice@example.org"},
    "other_facilitator": {"otto@example.org"},
}
PERSONAS = [
    "anonymous",
    "outsider",
    "requester",
    "approved_member",
    "other_facilitator",
    "facilitator",
    "moderator",
    "professional",
]


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements and attributes,
    on* handlers and javascript: URLs. JSON-LD is data, not script, and is allowed."""

    def __init__(self):
        super().__init__()
        self.problems, self.links, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs and attrs.get("type") != "application/ld+json":
            self.problems.append("inline <script>")
        if tag == "style":
            self.problems.append("<style> element")
        if "style" in attrs:
            self.problems.append(f"style attribute on <{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{name} handler on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: URL on <{tag}>")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


@pytest.fixture
def world(member, facilitator, other_facilitator, moderator, private_group, other_group):
    """The shared personas (the member is the outsider: in no group) and their private group, with
    a pending request, an approved member, a notice, an invitation, a report, a pending
    professional and a testimonial."""
    group = private_group
    requester = make_user("requester@example.org", "Riya")
    approved = make_user("approved@example.org", "Abe")
    JoinRequest.objects.create(group=group, user=requester, message="I would like to try the Tuesday group")
    JoinRequest.objects.create(
        group=group,
        user=approved,
        message="Hello",
        status="approved",
        decided_at=timezone.now(),
        decided_by=facilitator,
    )
    notice = Notice.objects.create(group=group, date=timezone.now().date(), text="No meeting this week")
    invitation = FacilitatorInvitation.objects.create(group=group, email="co@example.org")
    Report.objects.create(group=group, reporter=requester, reason="wrong")
    professional = make_professional(status="pending", licence_number="PSY-998877")
    Testimonial.objects.create(text="It helped.", consent=True, user=requester, status="approved")
    calendar = MemberCalendar.objects.create(user=approved)
    return {
        "anonymous": None,
        "outsider": member,
        "requester": requester,
        "approved_member": approved,
        "other_facilitator": other_facilitator,
        "facilitator": facilitator,
        "moderator": moderator,
        "professional": professional.user,
        "values": {
            "slug": group.slug,
            "pk": notice.pk,
            "token": invitation.token,
            "user_id": professional.user.pk,
            "section": "groups",
        },
        "calendar": calendar,
    }


def readable_text(response):
    """What a person could read in a response: a PDF's text (its bytes are compressed), else the body."""
    if response.get("Content-Type") == "application/pdf":
        from pypdf import PdfReader

        return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(response.content)).pages)
    return response.content.decode(errors="replace")


def crawl(client, seeds):
    """Breadth-first over same-site links from the seeds; yields (path, response)."""
    queue, seen = deque(seeds), set(seeds)
    while queue and len(seen) <= MAX_PAGES:
        path = queue.popleft()
        response = client.get(path)
        yield path, response
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        finder = InlineCodeFinder()
        finder.feed(response.content.decode(errors="replace"))
        for href in finder.links:
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/") or href.startswith(SKIP):
                continue
            if href not in seen:
                seen.add(href)
                queue.append(href)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_secret_reaches_anyone_who_may_not_see_it_and_the_csp_holds(client, world, persona):
    if world[persona] is not None:
        client.force_login(world[persona])
    seeds = ["/", "/groups/?near=10027", "/groups/feed.json", "/sitemap.xml", "/sitemap-groups.xml"]
    if persona == "approved_member":  # the secret address is the credential: only its owner has it
        seeds.append(f"/groups/calendar/{world['calendar'].token}.ics")
    for route, _ in patterns():
        path = fill(route, world["values"])
        if not path.startswith(SKIP) and path not in seeds:
            seeds.append(path)
    forbidden = [secret for secret, allowed in SECRETS.items() if persona not in allowed]
    seen, pages, crawled = set(), 0, set()
    for path, response in crawl(client, seeds):
        assert response.status_code < 500, (persona, path, response.status_code)
        pages += 1
        crawled.add(path)
        body = readable_text(response)
        for secret in forbidden:
            assert secret not in body, f"{persona} sees {secret!r} at {path}"
        seen.update(secret for secret in MUST_SEE.get(persona, ()) if secret in body)
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            policy = response.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy and "unsafe-inline" not in policy, (path, policy)
            finder = InlineCodeFinder()
            finder.feed(body)
            assert not finder.problems, (persona, path, finder.problems)
    assert pages > 60, pages
    # Paper too: the printed list (reached from the search's "Print this list"), the flyer, their PDFs.
    slug = world["values"]["slug"]
    printed = {"/groups/print/?near=10027", f"/groups/{slug}/flyer/", f"/groups/{slug}/flyer.pdf"}
    if pdf_engine() is not None:  # the list links to its PDF only where PDFs can be made
        printed.add("/groups/print.pdf?near=10027")
    assert printed <= crawled, printed - crawled
    # The crawl reaches where each secret is shown to those who may see it, so a leak could not hide.
    assert seen == MUST_SEE.get(persona, set()), (persona, MUST_SEE.get(persona, set()) - seen)
