"""The language is in the address: English at the root, Spanish under /es/; a switcher that keeps the
page; an offer of Spanish to a browser that prefers it; hreflang alternates and a sitemap in both
languages; the Meeting Guide feed and calendars at one address whatever the language."""

import gzip
import json
import xml.etree.ElementTree as ET
from datetime import time

import pytest
from django.conf import settings

from accounts.models import User
from tests.conftest import make_group

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
HOST = "http://testserver"  # the sitemap names the host it is asked on


@pytest.mark.django_db
def test_english_is_at_the_root_and_spanish_under_es(client):
    english = client.get("/groups/")
    spanish = client.get("/es/groups/")
    assert english.status_code == spanish.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="es">' in spanish.content.decode()


@pytest.mark.django_db
def test_a_browser_that_prefers_spanish_still_gets_english_at_the_root(client):
    response = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_every_page_names_its_other_language_version(client):
    body = client.get("/es/groups/").content.decode()
    assert f'<link rel="alternate" hreflang="en" href="{settings.SITE_URL}/groups/">' in body
    assert f'<link rel="alternate" hreflang="es" href="{settings.SITE_URL}/es/groups/">' in body
    assert f'<link rel="alternate" hreflang="x-default" href="{settings.SITE_URL}/groups/">' in body


@pytest.mark.django_db
def test_a_visitor_gets_a_link_to_the_same_page_in_the_header_and_the_footer(client):
    body = client.get("/groups/?near=10027&format=online").content.decode()
    header, _, rest = body.partition("</header>")
    main, _, footer = rest.partition("<footer")
    link = (
        '<a class="language-switcher" href="/es/groups/?near=10027&amp;format=online" hreflang="es" lang="es">'
        "Español</a>"
    )
    assert link in header and link in footer
    assert "csrfmiddlewaretoken" not in body  # a public page stays the same for every visitor
    assert client.get("/es/groups/?near=10027&format=online").status_code == 200


@pytest.mark.django_db
def test_a_members_switcher_posts_to_set_language_and_keeps_the_page_and_its_query(member_client, member):
    body = member_client.get("/groups/?near=10027&format=online").content.decode()
    header, _, rest = body.partition("</header>")
    main, _, footer = rest.partition("<footer")
    for part in (header, footer):
        assert 'action="/i18n/setlang/"' in part
        assert 'name="next" value="/es/groups/?near=10027&amp;format=online"' in part
        assert '<button type="submit" name="language" value="es" class="link-button" lang="es">Español</button>' in part
    response = member_client.post("/i18n/setlang/", {"language": "es", "next": "/es/groups/?near=10027&format=online"})
    assert response.status_code == 302
    assert response["Location"] == "/es/groups/?near=10027&format=online"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    member.refresh_from_db()
    assert member.language == "es"


@pytest.mark.django_db
def test_switching_back_to_english_leaves_the_prefix(member_client):
    body = member_client.get("/es/lessons/").content.decode()
    assert 'name="next" value="/lessons/"' in body
    assert 'lang="en">English</button>' in body
    response = member_client.post("/i18n/setlang/", {"language": "en", "next": "/lessons/"})
    assert response["Location"] == "/lessons/"


@pytest.mark.django_db
def test_the_switcher_refuses_to_send_anyone_elsewhere(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.django_db
def test_a_members_choice_is_kept_on_their_account(member_client, member):
    assert member.language == "en"
    member_client.post("/i18n/setlang/", {"language": "es", "next": "/es/account/"})
    member.refresh_from_db()
    assert member.language == "es"


@pytest.mark.django_db
def test_a_language_the_site_does_not_have_is_not_kept(member_client, member):
    member_client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    member.refresh_from_db()
    assert member.language == "en"


@pytest.mark.django_db
def test_the_account_page_sets_the_language_and_answers_in_it(member_client, member):
    response = member_client.post("/account/", {"display_name": "Alice", "time_zone": "", "language": "es"})
    assert response.status_code == 302
    assert response["Location"] == "/es/account/"
    member.refresh_from_db()
    assert member.language == "es"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


@pytest.mark.django_db
def test_the_account_page_refuses_a_language_it_does_not_offer(member_client, member):
    response = member_client.post("/account/", {"display_name": "Alice", "time_zone": "", "language": "xx"})
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.language == "en"


@pytest.mark.django_db
def test_signing_up_in_spanish_keeps_spanish_on_the_account(client):
    response = client.post(
        "/es/accounts/signup/",
        {
            "display_name": "Lucía",
            "email": "lucia@example.org",
            "password1": "a-long-enough-pass-7",
            "password2": "a-long-enough-pass-7",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="lucia@example.org").language == "es"


@pytest.mark.django_db
def test_a_browser_that_prefers_spanish_is_offered_it_in_spanish_until_it_chooses(client):
    body = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5").content.decode()
    offer = body.split('<aside class="language-offer" lang="es"', 1)[1].split("</aside>", 1)[0]
    assert "Esta página también está en español." in offer and "Leer en español" in offer
    assert "Seguir en inglés" in offer
    assert 'name="next" value="/es/groups/"' in offer
    assert 'value="en"' in offer  # staying in English is a choice too, and ends the offer
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    again = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5").content.decode()
    assert "language-offer" not in again


@pytest.mark.django_db
def test_a_browser_that_prefers_english_or_french_is_offered_nothing(client):
    for header in ("en-US,en;q=0.9", "fr-FR,fr;q=0.9", ""):
        assert "language-offer" not in client.get("/groups/", HTTP_ACCEPT_LANGUAGE=header).content.decode()


@pytest.mark.django_db
def test_the_sitemap_lists_every_page_in_both_languages_with_alternates(client):
    group = make_group(name="Wise Minds Harlem")
    urls = ET.fromstring(client.get("/sitemap-groups.xml").content).findall(f"{SITEMAP}url")
    locations = [url.find(f"{SITEMAP}loc").text for url in urls]
    assert f"{HOST}/groups/{group.slug}/" in locations
    assert f"{HOST}/es/groups/{group.slug}/" in locations
    links = {link.get("hreflang"): link.get("href") for link in urls[0].findall(f"{XHTML}link")}
    assert links["es"] == f"{HOST}/es/groups/{group.slug}/"
    assert links["x-default"] == f"{HOST}/groups/{group.slug}/"
    pages = [u.find(f"{SITEMAP}loc").text for u in ET.fromstring(client.get("/sitemap-pages.xml").content)]
    assert f"{HOST}/es/crisis/" in pages and f"{HOST}/crisis/" in pages


@pytest.mark.django_db
def test_the_feed_and_calendars_have_one_address_and_ignore_the_language(client):
    group = make_group(name="Wise Minds Harlem")
    assert client.get("/es/groups/feed.json").status_code == 404
    assert client.get(f"/es/groups/{group.slug}/calendar.ics").status_code == 404
    plain = client.get("/groups/feed.json")
    spanish = client.get("/groups/feed.json", HTTP_ACCEPT_LANGUAGE="es", cookies=None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    chosen = client.get("/groups/feed.json")
    assert plain.status_code == 200
    assert plain.content == spanish.content == chosen.content
    calendar = client.get(f"/groups/{group.slug}/calendar.ics")
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert calendar.content == client.get(f"/groups/{group.slug}/calendar.ics").content


@pytest.mark.django_db
def test_private_pages_under_es_are_not_cached(member_client):
    assert member_client.get("/es/account/")["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_nothing_is_offered_to_someone_moving_around_the_site(client):
    body = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es", HTTP_REFERER="http://testserver/").content.decode()
    assert "language-offer" not in body
    elsewhere = client.get("/groups/", HTTP_ACCEPT_LANGUAGE="es", HTTP_REFERER="https://search.example/").content
    assert b"language-offer" in elsewhere


@pytest.mark.django_db
def test_the_feed_built_while_spanish_is_active_is_the_english_feed(client):
    from django.utils import translation

    from groups.feed import build_meeting_guide_feed

    group = make_group(name="Wise Minds Harlem", meetings=[{"weekday": 1, "start": time(19), "end": time(20)}])
    english = json.loads(gzip.decompress(build_meeting_guide_feed()))
    with translation.override("es"):
        spanish = json.loads(gzip.decompress(build_meeting_guide_feed()))
    assert spanish == english
    assert english[0]["url"].endswith(f"/groups/{group.slug}/") and "/es/" not in english[0]["url"]


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_private_pages_in_every_language(client):
    text = client.get("/robots.txt").content.decode()
    for path in ("/accounts/", "/es/accounts/", "/es/moderation/", "/es/groups/manage/"):
        assert f"Disallow: {path}\n" in text, path
