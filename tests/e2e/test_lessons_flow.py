"""Read a lesson, follow a skill to the glossary, follow 'groups practicing this module'."""

import pytest

from lessons.models import Testimonial
from tests.conftest import make_user
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_read_a_lesson_and_follow_its_links(page):
    user = make_user("sam@example.org", "Sam")
    Testimonial.objects.create(
        text="Practising with the group every week keeps the skills in reach.",
        consent=True,
        user=user,
        status="approved",
        display_name="Sam K.",
    )
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lessons").click()
    check_page(page, "lessons index")
    page.get_by_role("link", name="Asking for what you need with DEAR MAN").click()
    page.get_by_role("heading", name="Asking for what you need with DEAR MAN", level=1).wait_for()
    check_page(page, "lesson")
    page.get_by_role("complementary").get_by_role("link", name="DEAR MAN").click()
    page.wait_for_url("**/skills/#dear-man")
    check_page(page, "glossary")
    page.go_back()
    page.get_by_role("link", name="Groups practicing this module near you").click()
    page.wait_for_url("**/groups/?module=interpersonal-effectiveness")
    page.goto("/testimonials/")
    page.get_by_text("— Sam K.").wait_for()
    check_page(page, "testimonials")
    page.goto("/lessons/?q=validation")
    check_page(page, "lesson search")


def test_follow_a_connecting_lesson_to_the_glossary_and_back(page):
    page.goto("/lessons/")
    page.get_by_role("link", name="Interpersonal Effectiveness").first.click()
    page.get_by_role("heading", name="Interpersonal Effectiveness", level=1).wait_for()
    check_page(page, "interpersonal effectiveness module")
    page.get_by_role("link", name="Building relationships: finding people and keeping them").click()
    page.get_by_role("heading", name="Building relationships: finding people and keeping them", level=1).wait_for()
    check_page(page, "building relationships lesson")
    assert page.locator(".lesson__body").get_by_role("link", name="crisis resources").count() == 1
    page.get_by_role("complementary").get_by_role("link", name="Finding and keeping friends").click()
    page.wait_for_url("**/skills/#finding-friends")
    entry = page.locator("#finding-friends")
    entry.get_by_role("link", name="Building relationships: finding people and keeping them").click()
    page.wait_for_url("**/lessons/building-relationships/")
    page.goto("/lessons/ending-a-harmful-relationship/")
    check_page(page, "ending a relationship lesson")
    page.locator(".lesson__body").get_by_role("link", name="crisis resources").first.click()
    page.wait_for_url("**/crisis/#domestic-abuse")
    page.get_by_role("heading", name="Domestic abuse").wait_for()
    check_page(page, "crisis resources")


def test_everyday_dbt_leads_to_the_lessons(page):
    page.goto("/lessons/")
    page.get_by_role("link", name="Everyday DBT").click()
    page.get_by_role("heading", name="Everyday DBT", level=1).wait_for()
    check_page(page, "everyday dbt")
    page.get_by_role("link", name="chain analysis").first.click()
    title = "Chain analysis: understanding a problem behavior link by link"
    page.get_by_role("heading", name=title, level=1).wait_for()
    check_page(page, "chain analysis lesson")
    page.goto("/lessons/tipp-for-intense-moments/")
    page.get_by_role("heading", name="Check the cautions first").wait_for()
    check_page(page, "tipp lesson")
    page.goto("/lessons/stop-and-pros-and-cons/")
    page.get_by_role("heading", name="If the urge is to hurt yourself").wait_for()
    check_page(page, "stop lesson")
