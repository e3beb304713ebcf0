"""The facilitator's toolkit as pages of the site: an index and five pages, for everyone, printable,
linked to each other and from the facilitator's pages."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import make_group

TOOLKIT = Path(__file__).resolve().parents[2] / "lessons" / "content" / "toolkit"
IN_ORDER = [
    ("starting-a-group", "Starting a group"),
    ("meeting-format", "Meeting format"),
    ("group-agreements", "Group agreements"),
    ("crisis-during-a-meeting", "If someone is in crisis during a meeting"),
    ("skills-rotation", "The skills rotation"),
]
PERSONAS = ["anonymous", "member", "other_facilitator", "facilitator", "moderator"]


def titles():
    return {slug: title for slug, title in IN_ORDER}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_toolkit_is_open_to_everyone(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    index = client.get(reverse("toolkit_index"))
    assert index.status_code == 200
    for slug, title in IN_ORDER:
        response = client.get(reverse("toolkit_page", args=[slug]))
        assert response.status_code == 200, slug
        assert f"<h1>{title}</h1>" in response.content.decode().replace("&#x27;", "'")


def test_the_index_lists_the_five_pages_in_reading_order(client, db):
    page = client.get(reverse("toolkit_index")).content.decode()
    positions = [page.index(f'href="/toolkit/{slug}/"') for slug, _title in IN_ORDER]
    assert positions == sorted(positions)


def test_each_page_leads_to_the_next_and_back(client, db):
    for i, (slug, _title) in enumerate(IN_ORDER):
        page = client.get(reverse("toolkit_page", args=[slug])).content.decode()
        if i > 0:
            assert f'href="/toolkit/{IN_ORDER[i - 1][0]}/" rel="prev"' in page
        if i + 1 < len(IN_ORDER):
            assert f'href="/toolkit/{IN_ORDER[i + 1][0]}/" rel="next"' in page


@pytest.mark.parametrize("path", ["/toolkit/nope/", "/toolkit/about/", "/toolkit/asking-with-dear-man/"])
def test_anything_else_under_toolkit_is_not_found(client, db, path):
    assert client.get(path).status_code == 404


def test_every_page_prints_on_its_own(client, db, settings):
    css = (Path(settings.BASE_DIR) / "static" / "css" / "toolkit.css").read_text()
    print_rules = css.split("@media print", 1)[1]
    for hidden in (".site-header", ".site-footer", ".lesson__pager"):
        assert hidden in print_rules.split("display: none")[0]
    assert ".toolkit-print-footer { display: block" in print_rules
    for slug, _title in IN_ORDER:
        page = client.get(reverse("toolkit_page", args=[slug])).content.decode()
        assert "/static/css/toolkit.css" in page
        footer = page.split('class="toolkit-print-footer"', 1)[1].split("</p>", 1)[0]
        assert f"http://testserver/toolkit/{slug}/" in footer  # where the paper came from
        assert "call or text 988" in footer  # the crisis line is on paper too


def test_every_page_links_to_the_crisis_resources(client, db):
    for slug, _title in IN_ORDER:
        page = client.get(reverse("toolkit_page", args=[slug])).content.decode()
        body = page.split('<article class="prose toolkit-page">', 1)[1].split("</article>", 1)[0]
        assert 'href="/crisis/"' in body, slug


def test_the_pages_name_each_other_by_link_not_in_bold():
    names = {title.lower() for _slug, title in IN_ORDER} | {"meeting format", "skills rotation", "group agreements"}
    for path in TOOLKIT.glob("*.md"):
        bold = {b.strip().rstrip(".,:").lower() for b in re.findall(r"\*\*([^*]+)\*\*", path.read_text())}
        assert not bold & names, (path.name, bold & names)


def test_the_cross_references_are_links_to_pages_that_exist(client, db):
    links = set()
    for path in TOOLKIT.glob("*.md"):
        links |= set(re.findall(r"\]\((/toolkit/[^)]+)\)", path.read_text()))
    assert {
        "/toolkit/meeting-format/",
        "/toolkit/crisis-during-a-meeting/",
        "/toolkit/skills-rotation/",
        "/toolkit/group-agreements/",
    } <= links
    for link in links:
        assert client.get(link).status_code == 200, link
    page = client.get(reverse("toolkit_page", args=["skills-rotation"])).content.decode()
    assert 'The <a href="/toolkit/meeting-format/" rel="nofollow noopener">Meeting format</a> page' in page


def test_the_rotation_page_lists_all_24_weeks_linked_to_their_lessons(client, db):
    page = client.get(reverse("toolkit_page", args=["skills-rotation"])).content.decode()
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>", page)
    assert rows == [str(n) for n in range(1, 25)]
    assert '<a href="/lessons/asking-with-dear-man/" rel="nofollow noopener">' in page


def test_my_groups_links_to_the_toolkit(client, member):
    client.force_login(member)
    assert 'href="/toolkit/"' in client.get(reverse("group_manage")).content.decode()


def test_the_listing_forms_help_links_to_the_toolkit(client, facilitator):
    client.force_login(facilitator)
    page = client.get(reverse("group_create")).content.decode()
    assert 'href="/toolkit/starting-a-group/"' in page and 'href="/toolkit/"' in page
    group = make_group(facilitator)
    assert 'href="/toolkit/starting-a-group/"' in client.get(reverse("group_edit", args=[group.slug])).content.decode()


def test_the_group_pages_facilitator_tools_link_to_the_toolkit_and_the_rotation(client, facilitator, member, group):
    client.force_login(facilitator)
    page = client.get(group.get_absolute_url()).content.decode()
    assert 'href="/toolkit/"' in page
    assert f'href="/groups/{group.slug}/rotation/"' in page
    client.force_login(member)
    page = client.get(group.get_absolute_url()).content.decode()
    assert f'href="/groups/{group.slug}/rotation/"' not in page
