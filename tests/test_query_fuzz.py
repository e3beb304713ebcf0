"""Every page, any query string: whatever is put after the "?" of any route, as a visitor, a
member or a moderator, the answer is a page, a redirect or a clear 4xx, never a 500."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.models import Notice
from tests.conftest import make_user
from tests.test_every_url import fill, patterns
from tests.test_form_fuzz import junk

SKIP = ("/admin/", "/static/", "/accounts/logout/", "/account/export/")
# Every parameter a page reads, and a few it does not.
PARAMS = [
    "q",
    "page",
    "near",
    "lat",
    "lng",
    "radius",
    "units",
    "tz",
    "day",
    "time",
    "format",
    "language",
    "module",
    "audience",
    "accessible",
    "open",
    "profession",
    "region",
    "endorser",
    "next",
    "key",
    "x",
    "page[]",
    "",
]


@pytest.fixture
def routes(db, private_group):
    notice = Notice.objects.create(group=private_group, date=private_group.created_at.date(), text="n")
    values = {"slug": private_group.slug, "pk": notice.pk, "token": "x", "user_id": 1, "section": "groups"}
    paths = [fill(route, values) for route, _ in patterns()]
    return [path for path in paths if not path.startswith(SKIP)]


@pytest.fixture(params=["anonymous", "member", "moderator"])
def persona_client(request, client, db):
    if request.param != "anonymous":
        moderator = request.param == "moderator"
        client.force_login(make_user(f"{request.param}@fuzz.example.org", "Fuzz", moderator=moderator))
    return client


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_query_string_on_any_page_is_never_a_500(persona_client, routes, data):
    path = data.draw(st.sampled_from(routes))
    query = data.draw(st.lists(st.tuples(st.sampled_from(PARAMS), junk), max_size=5))
    response = persona_client.get(path + "?" + urlencode(query))
    assert response.status_code < 500, (path, query, response.status_code)
