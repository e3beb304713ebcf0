"""Lessons, the skills glossary, search, testimonials, the feed, the sitemap and robots.txt."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Lesson, Skill, SkillModule, Testimonial
from tests.conftest import make_user

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_every_shipped_lesson_renders(client, db):
    lessons = list(Lesson.objects.published())
    assert len(lessons) >= 12
    for module in SkillModule.objects.all():
        assert module.lessons.count() >= 2, module
    for lesson in lessons:
        response = client.get(lesson.get_absolute_url())
        assert response.status_code == 200, lesson.slug
        body = response.content.decode()
        assert f"<h1>{lesson.title}</h1>".replace("'", "&#x27;") in body, lesson.slug
        assert 400 <= len(lesson.body.split()) <= 1100, lesson.slug


def test_every_shipped_skill_renders(client, db):
    skills = list(Skill.objects.all())
    assert len(skills) >= 24
    for skill in skills:
        response = client.get(skill.get_absolute_url())
        assert response.status_code == 200, skill.slug
        assert skill.name.replace("'", "&#x27;") in response.content.decode()


def test_the_index_lists_modules_and_lessons(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = client.get(reverse("lesson_index")).content.decode()
    for page in ("what-is-dbt", "skills-defined", "instant-mindfulness", "links"):
        assert f'href="/{page}/"' in body
        assert client.get(f"/{page}/").status_code == 200
    for module in SkillModule.objects.all():
        assert module.name in body
    assert "Asking for what you need with DEAR MAN" in body


def test_the_glossary_groups_skills_by_module_with_anchors(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        body = client.get(reverse("skill_list")).content.decode()
    assert 'id="dear-man"' in body and 'id="tipp"' in body
    assert (
        body.index('id="module-mindfulness"')
        < body.index('id="wise-mind"')
        < body.index('id="module-distress-tolerance"')
    )


def test_a_lesson_links_its_skills_groups_and_neighbours(client, db):
    lesson = Lesson.objects.get(slug="asking-with-dear-man")
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert f"{reverse('skill_list')}#dear-man" in body
    assert f"{reverse('group_list')}?module=interpersonal-effectiveness" in body
    assert '<a rel="next" href="/lessons/building-relationships/">Building relationships' in body
    assert 'rel="prev"' not in body  # the first lesson of its module
    assert "not clinical advice" in body
    following = client.get("/lessons/building-relationships/").content.decode()
    assert '<a rel="prev" href="/lessons/asking-with-dear-man/">' in following


def test_a_lesson_has_open_graph_and_article_jsonld(client, db):
    lesson = Lesson.objects.get(slug="asking-with-dear-man")
    body = client.get(lesson.get_absolute_url()).content.decode()
    assert f'<meta property="og:title" content="{lesson.title}">' in body
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))
    assert data["@type"] == "Article" and data["headline"] == lesson.title
    assert "DEAR MAN" in data["about"]
    assert data["publisher"] == {
        "@type": "Organization",
        "name": "DBT Self-Help Groups",
        "url": "http://127.0.0.1:8000",
    }


def test_module_pages_list_their_lessons(client, db):
    body = client.get(reverse("lesson_module", args=["distress-tolerance"])).content.decode()
    assert "Distress Tolerance" in body and "?module=distress-tolerance" in body
    for lesson in Lesson.objects.filter(module__slug="distress-tolerance"):
        assert lesson.title.replace("'", "&#x27;") in body


@pytest.fixture
def draft(db):
    return Lesson.objects.create(
        title="Unfinished lesson",
        slug="unfinished",
        module=SkillModule.objects.first(),
        summary="Draft",
        body="Secret draft words",
        status="draft",
    )


def test_drafts_are_404_to_the_public_and_members(client, draft, member):
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "Unfinished lesson" not in client.get(reverse("lesson_index")).content.decode()


def test_drafts_are_visible_to_staff_with_a_banner(client, draft):
    client.force_login(make_user("staff@example.org", "Staff", is_staff=True))
    body = client.get(draft.get_absolute_url()).content.decode()
    assert "Draft: only staff can see this lesson." in body


def test_markdown_renders_inert(client, db):
    lesson = Lesson.objects.create(
        title="Hostile",
        slug="hostile",
        module=SkillModule.objects.first(),
        summary="x",
        status="published",
        published_at=timezone.now(),
        body='Hi <script>alert(1)</script> <img src=x onerror="alert(2)"> [click](javascript:alert(3)) '
        '<a href="#" onclick="alert(4)">x</a> <iframe src="https://evil.example"></iframe>',
    )
    main = client.get(lesson.get_absolute_url()).content.decode().split('<main id="main"', 1)[1]
    for bad in ("<script>alert", "onerror", "javascript:", "onclick", "<iframe"):
        assert bad not in main, bad


def test_search_finds_a_lesson_by_a_word_only_in_its_body(client, db):
    Lesson.objects.create(
        title="A plain title",
        slug="plain",
        module=SkillModule.objects.first(),
        summary="Nothing here",
        body="This lesson mentions the zebrafish only once.",
        status="published",
        published_at=timezone.now(),
    )
    body = client.get(reverse("lesson_index"), {"q": "zebrafish"}).content.decode()
    assert "A plain title" in body
    assert "<h2>1 lesson</h2>" in body


def test_search_finds_skills_too(client, db):
    body = client.get(reverse("lesson_index"), {"q": "validation"}).content.decode()
    assert 'href="/skills/validation/"' in body


@pytest.mark.parametrize("q", ["", "   ", "!!!???", "\x00\x01", "x" * 10000, "<script>"])
def test_odd_searches_get_a_message_or_results_never_a_500(client, db, q):
    response = client.get(reverse("lesson_index"), {"q": q})
    assert response.status_code in (200, 400)
    assert "<script>" not in response.content.decode().split('<main id="main"', 1)[1].replace("&lt;script&gt;", "")


def test_drafts_are_not_found_by_search(client, draft):
    assert "Unfinished lesson" not in client.get(reverse("lesson_index"), {"q": "secret"}).content.decode()


# --- Testimonials -----------------------------------------------------------------------------


def test_a_member_submits_a_testimonial_that_waits_for_moderation(client, member):
    client.force_login(member)
    response = client.post(reverse("testimonial_create"), {"text": "The group kept me practising.", "consent": "on"})
    assert response.status_code == 302
    testimonial = Testimonial.objects.get()
    assert (testimonial.status, testimonial.user) == ("pending", member)
    assert "kept me practising" not in client.get(reverse("testimonial_list")).content.decode()


def test_without_consent_nothing_is_saved(client, member):
    client.force_login(member)
    response = client.post(reverse("testimonial_create"), {"text": "Words", "consent": ""})
    assert response.status_code == 400
    assert not Testimonial.objects.exists()


def test_a_moderator_approves_and_the_submitter_is_never_revealed(client, member, moderator):
    testimonial = Testimonial.objects.create(text="Skills every week.", consent=True, user=member)
    client.force_login(moderator)
    assert "Skills every week." in client.get(reverse("moderation_testimonials")).content.decode()
    client.post(reverse("moderation_testimonial_approve", args=[testimonial.pk]))
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.reviewed_by) == ("approved", moderator)
    client.logout()
    body = client.get(reverse("testimonial_list")).content.decode()
    assert "Skills every week." in body and "Anonymous" in body
    assert "Alice" not in body and member.email not in body


def test_a_chosen_name_is_shown_instead(client, member):
    Testimonial.objects.create(text="Thanks.", consent=True, user=member, display_name="J.", status="approved")
    body = client.get(reverse("testimonial_list")).content.decode()
    assert "— J." in body and "Alice" not in body


def test_a_moderator_rejects_with_a_reason(client, member, moderator):
    testimonial = Testimonial.objects.create(text="Buy my course!", consent=True, user=member)
    client.force_login(moderator)
    client.post(reverse("moderation_testimonial_reject", args=[testimonial.pk]), {"reason": ""})
    testimonial.refresh_from_db()
    assert testimonial.status == "pending"
    client.post(reverse("moderation_testimonial_reject", args=[testimonial.pk]), {"reason": "Advertising"})
    testimonial.refresh_from_db()
    assert (testimonial.status, testimonial.rejection_reason) == ("rejected", "Advertising")


def test_the_console_counts_testimonials(client, member, moderator):
    Testimonial.objects.create(text="a", consent=True, user=member)
    client.force_login(moderator)
    assert 'Testimonials <span class="count">1</span>' in client.get(reverse("moderation")).content.decode()


# --- Feed, sitemap, robots --------------------------------------------------------------------


def test_the_atom_feed_lists_only_published_lessons(client, draft):
    root = ET.fromstring(client.get(reverse("lesson_feed")).content)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert len(titles) == Lesson.objects.published().count()
    assert "Unfinished lesson" not in titles


def test_the_sitemap_lists_public_pages_only(client, draft, facilitator):
    from tests.conftest import make_group

    public = make_group(facilitator, name="Public one")
    hidden = make_group(facilitator, name="Hidden one", status="pending")
    index = ET.fromstring(client.get(reverse("sitemap")).content)
    urls = []
    for loc in index.iter(f"{SITEMAP}loc"):
        section = ET.fromstring(client.get(loc.text.split("testserver", 1)[1]).content)
        urls += [u.text for u in section.iter(f"{SITEMAP}loc")]
    assert any(u.endswith("/lessons/asking-with-dear-man/") for u in urls)
    assert any(u.endswith("/skills/dear-man/") for u in urls)
    assert any(u.endswith("/about/") for u in urls)
    assert any(u.endswith(public.get_absolute_url()) for u in urls)
    assert not any(u.endswith(hidden.get_absolute_url()) for u in urls)
    assert not any(u.endswith(draft.get_absolute_url()) for u in urls)


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text and "Disallow: /moderation/" in text


# --- Authorization ----------------------------------------------------------------------------

PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_authorization_matrix(client, db, request, persona):
    testimonial = Testimonial.objects.create(text="t", consent=True, user=make_user("x@example.org", "X"))
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name in ("lesson_index", "skill_list", "testimonial_list", "lesson_feed", "robots_txt"):
        assert client.get(reverse(name)).status_code == 200, name
    create = client.get(reverse("testimonial_create"))
    assert create.status_code == (302 if persona == "anonymous" else 200)
    queue = client.get(reverse("moderation_testimonials"))
    expected = {"anonymous": 302, "moderator": 200}.get(persona, 403)
    assert queue.status_code == expected
    decide = client.post(reverse("moderation_testimonial_approve", args=[testimonial.pk]))
    assert decide.status_code == {"anonymous": 302, "moderator": 302}.get(persona, 403)
    testimonial.refresh_from_db()
    assert (testimonial.status == "approved") is (persona == "moderator")


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_modules_page_is_open_to_everyone_and_lists_only_its_published_lessons(client, db, request, persona):
    module = SkillModule.objects.get(slug="distress-tolerance")
    Lesson.objects.create(
        title="Unpublished tolerance notes",
        slug="unpublished-notes",
        module=module,
        summary="x",
        body="Draft.",
        status="draft",
    )
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("lesson_module", args=[module.slug]))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"<h1>{module.name}</h1>" in body
    for lesson in Lesson.objects.published().filter(module=module):
        assert lesson.get_absolute_url() in body, lesson.slug
    assert "Unpublished tolerance notes" not in body and "/lessons/unpublished-notes/" not in body


def test_deleting_an_account_removes_its_testimonials(member):
    from accounts.services import delete_account

    Testimonial.objects.create(text="mine", consent=True, user=member, status="approved")
    delete_account(user=member)
    assert not Testimonial.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_moderator_rejects_a_testimonial(client, db, request, persona):
    testimonial = Testimonial.objects.create(text="t", consent=True, user=make_user("x@example.org", "X"))
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = reverse("moderation_testimonial_reject", args=[testimonial.pk])
    response = client.post(url, {"reason": "Names a person"})
    assert response.status_code == {"anonymous": 302, "moderator": 302}.get(persona, 403)
    testimonial.refresh_from_db()
    decided = (testimonial.status, testimonial.rejection_reason)
    assert decided == (("rejected", "Names a person") if persona == "moderator" else ("pending", ""))
