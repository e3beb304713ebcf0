"""Read a lesson, follow a skill to the glossary, follow 'groups practising this module'."""

import pytest

from lessons.models import Testimonial
from tests.conftest import make_user
from tests.e2e.conftest import check_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_read_a_lesson_and_follow_its_links(page):
    user = make_user("sam@example.org", "Sam")
    Testimonial.objects.create(text="Practising with the group every week keeps the skills in reach.", consent=True,
                               user=user, status="approved", display_name="Sam K.")  # fmt: skip
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
    page.get_by_role("link", name="Groups practising this module near you").click()
    page.wait_for_url("**/groups/?module=interpersonal-effectiveness")
    page.goto("/testimonials/")
    page.get_by_text("— Sam K.").wait_for()
    check_page(page, "testimonials")
    page.goto("/lessons/?q=validation")
    check_page(page, "lesson search")
