"""The facilitator's and the moderator's desks in a browser, at 390 px and at 1280 px: axe finds
nothing, nothing is cut off or wider than the screen, and the pages say what needs saying."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.models import ContactMessage
from groups.models import FacilitatorInvitation, JoinRequest, ListingEvent, PeerGroup, Place, Report
from tests.accounts.test_professionals import make_professional
from tests.conftest import make_group, make_user
from tests.e2e.conftest import SCREENSHOT_DIR
from tests.e2e.test_listing_flow import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def check_desk(page, name, details=()):
    """axe at 390 px and 1280 px, a screenshot of each (and of each of `details`, to look at up
    close), nothing wider than the screen (the page does not scroll sideways and no table is cut
    off), and the header on one row at 1280 px."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    for label, size in (("390", PHONE), ("1280", DESKTOP)):
        page.set_viewport_size(size)
        results = Axe().run(page)
        page.screenshot(path=str(SCREENSHOT_DIR / f"desk-{slug}-{label}.png"), full_page=True)
        for detail in details:
            part = re.sub(r"[^a-z0-9]+", "-", detail.lower()).strip("-")
            page.locator(detail).first.screenshot(path=str(SCREENSHOT_DIR / f"desk-{slug}-{part}-{label}.png"))
        assert results.violations_count == 0, f"{name} at {label} px:\n{results.generate_report()}"
        overflow = page.evaluate(
            """() => {
                const wide = [document.documentElement.scrollWidth - window.innerWidth];
                document.querySelectorAll("main table, main .table-scroll").forEach((el) => {
                    wide.push(el.scrollWidth - el.clientWidth);
                });
                return Math.max(...wide);
            }"""
        )
        assert overflow <= 1, f"{name} at {label} px: {overflow} px wider than it can show"
        if label == "1280":
            spread = page.evaluate(
                """() => {
                    const tops = [...document.querySelectorAll(".site-header__inner > *")]
                        .map((el) => Math.round(el.getBoundingClientRect().top));
                    return Math.max(...tops) - Math.min(...tops);
                }"""
            )
            assert spread < 20, f"{name}: the header wraps at 1280 px"
    page.set_viewport_size(DESKTOP)


def words(page, selector="main"):
    return " ".join(page.locator(selector).inner_text().split())


def box(page, selector):
    return page.locator(selector).bounding_box()


NEAR_HARLEM = [
    ("Harlem", 40.8079, -73.9454, 335_109),
    ("Manhattanville", 40.8165, -73.9568, 20_000),
    ("Morningside Heights", 40.8098, -73.9619, 55_929),
    ("Hamilton Heights", 40.8245, -73.9493, 48_000),
]


# --- The facilitator ---------------------------------------------------------------------------


@pytest.fixture
def desk():
    """Fran leads a published group with requests waiting, a listing unconfirmed for 70 days, an
    invitation out and a member; a rejected listing; one waiting for review."""
    fran = make_user("fran@example.org", "Fran")
    now = timezone.now()
    group = make_group(fran, last_confirmed_at=now - timedelta(days=70))
    for n, name in enumerate(["Sam", "Kit"]):
        JoinRequest.objects.create(
            group=group, user=make_user(f"asker{n}@example.org", name), message="I finished a program last year."
        )
    alice = make_user("alice@example.org", "Alice")
    JoinRequest.objects.create(group=group, user=alice, status="approved", decided_at=now)
    FacilitatorInvitation.objects.create(group=group, email="co@example.org", invited_by=fran)
    make_group(fran, name="Turned Down Circle", status="rejected", rejection_reason="Please add the room number.")
    make_group(fran, name="Queens Review Group", status="pending", submitted_at=now)
    for n, (name, lat, lng, people) in enumerate(NEAR_HARLEM):  # the gazetteer's places, for the map
        Place.objects.create(
            geonameid=900 + n,
            name=name,
            search_name=name.lower(),
            country_code="US",
            latitude=lat,
            longitude=lng,
            population=people,
        )
    ListingEvent.objects.create(
        group=group, actor=fran, action="confirmed", created_at=datetime(2026, 11, 7, 23, 30, tzinfo=UTC)
    )
    return group


def test_my_groups_says_what_needs_doing(page, desk):
    sign_in(page, "fran@example.org")
    page.goto("/groups/manage/")
    todo = words(page, ".todo-panel")
    assert todo.startswith("4 things need doing")
    assert "Harlem Skills Circle: 2 join requests are waiting for an answer. Answer them" in todo
    assert "Not confirmed for 70 days: is the listing still correct? Yes, still correct" in todo
    assert "1 invitation to co-facilitate is not accepted yet." in todo
    assert "Turned Down Circle: A moderator did not approve the listing: “Please add the room number.”" in todo
    card = " ".join(
        page.locator(".desk-card", has=page.get_by_role("heading", name="Harlem Skills Circle")).inner_text().split()
    )
    assert "Next meeting Tuesday" in card and "7:00 PM (Eastern Time)" in card
    review = page.locator(".desk-card", has=page.get_by_role("heading", name="Queens Review Group"))
    assert "Waiting for a moderator's review since" in review.inner_text()
    check_desk(page, "my groups")

    page.get_by_role("button", name="Yes, still correct (Harlem Skills Circle)").click()
    page.get_by_text("Thank you. The listing is marked as confirmed today.").wait_for()
    assert words(page, ".todo-panel").startswith("3 things need doing")

    page.get_by_role("link", name="Answer them (Harlem Skills Circle)").click()
    page.get_by_role("heading", name="2 requests waiting").wait_for()
    page.locator("summary", has_text="Remove Alice").click()
    assert page.get_by_text("Remove Alice from Harlem Skills Circle? They will no longer see").is_visible()
    check_desk(page, "requests and members")
    page.get_by_role("button", name="Yes, remove Alice").click()
    page.get_by_role("heading", name="0 members").wait_for()
    assert JoinRequest.objects.get(user__email="alice@example.org").status == "removed"

    page.goto(f"/groups/{desk.slug}/notices/")
    check_desk(page, "notices")
    page.goto(f"/groups/{desk.slug}/facilitators/")
    check_desk(page, "facilitators")


def test_the_history_is_in_the_groups_zone(page, desk):
    sign_in(page, "fran@example.org")
    page.goto(desk.get_absolute_url())
    history = words(page, ".history")
    assert "7 Nov 2026, 18:30 Confirmed as still correct by Fran" in history
    assert "Times in Eastern Time (America/New_York)." in words(page, "main")


def test_the_listing_form_lines_up_and_adds_meetings_in_place(page, desk):
    sign_in(page, "fran@example.org")
    page.goto(f"/groups/{desk.slug}/edit/")
    assert page.locator("[data-meeting-row]:visible").count() == 1  # the blank rows wait for "Add"
    check_desk(page, "listing form", details=[".meetings", ".where", "fieldset:last-of-type"])

    # Every field's label sits over its own input, inputs of one row line up.
    row = "[data-meeting-row]:visible >> nth=0"
    tops = {name: round(box(page, f"{row} >> [name$='-{name}']")["y"]) for name in ("weekday", "start", "end")}
    assert len(set(tops.values())) == 1, tops
    for name in ("weekday", "start", "end", "recurrence"):
        label, field = box(page, f"{row} >> label[for$='-{name}']"), box(page, f"{row} >> [name$='-{name}']")
        assert abs(label["x"] - field["x"]) < 2 and 0 <= field["y"] - (label["y"] + label["height"]) < 12, name

    page.get_by_role("button", name="Add a meeting time").click()
    page.get_by_role("button", name="Add a meeting time").click()
    assert page.locator("[data-meeting-row]:visible").count() == 3
    assert page.locator("[data-meeting-row]:visible legend").all_inner_texts() == [
        "Meeting 1",
        "Meeting 2",
        "Meeting 3",
    ]
    second, third = "[data-meeting-row]:visible >> nth=1", "[data-meeting-row]:visible >> nth=2"
    page.locator(f"{second} >> [name$='-weekday']").select_option("3")
    page.locator(f"{second} >> [name$='-start']").fill("10:00")
    page.locator(f"{second} >> [name$='-end']").fill("11:00")
    page.locator(f"{second} >> [name$='-recurrence']").select_option("monthly")
    assert page.locator(f"{second} >> [name$='-week_of_month']").is_visible()  # shown for "once a month"
    assert not page.locator(f"{second} >> [name$='-starts_on']").is_visible()
    page.locator(f"{third} >> [name$='-weekday']").select_option("5")
    page.locator(third).get_by_role("button", name="Remove meeting 3").click()
    assert page.locator("[data-meeting-row]:visible").count() == 2

    # An error shows under its own field and the summary links to it.
    page.get_by_role("button", name="Save changes").click()
    summary = page.get_by_role("alert")
    assert "Meeting 2, Which week of the month: Choose which week of the month." in summary.inner_text()
    week = page.locator("#id_meetings-1-week_of_month")
    error = page.locator("#id_meetings-1-week_of_month_error")
    assert week.get_attribute("aria-describedby").split()[-1] == "id_meetings-1-week_of_month_error"
    assert abs(box(page, "#id_meetings-1-week_of_month_error")["x"] - week.bounding_box()["x"]) < 2
    assert error.bounding_box()["y"] > week.bounding_box()["y"]
    check_desk(page, "listing form with an error", details=[".meetings", ".where", ".error-summary"])
    week.select_option("2")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    assert sorted(desk.meeting_times.values_list("weekday", "recurrence")) == [(1, "weekly"), (3, "monthly")]

    # Remove a saved meeting, change one's mind, then remove it.
    page.goto(f"/groups/{desk.slug}/edit/")
    page.locator("[data-meeting-row]:visible >> nth=1").get_by_role("button", name="Remove meeting 2").click()
    page.get_by_text("Meeting 2 will be removed when you save.").wait_for()
    page.get_by_role("button", name="Keep it").click()
    page.locator("[data-meeting-row]:visible >> nth=1").get_by_role("button", name="Remove meeting 2").click()
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    assert list(desk.meeting_times.values_list("weekday", flat=True)) == [1]


def test_without_script_several_meetings_go_in_one_save(browser, live_server, desk):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "fran@example.org")
        page.goto(f"/groups/{desk.slug}/edit/")
        assert page.locator("[data-meeting-row]").count() == 4  # the saved meeting and three blank rows
        for index, day in ((1, "3"), (2, "5")):
            page.locator(f"#id_meetings-{index}-weekday").select_option(day)
            page.locator(f"#id_meetings-{index}-start").fill("10:00")
            page.locator(f"#id_meetings-{index}-end").fill("11:30")
        page.get_by_role("button", name="Save changes").click()
        page.get_by_text("Your changes are saved.").wait_for()
        assert sorted(desk.meeting_times.values_list("weekday", flat=True)) == [1, 3, 5]
    finally:
        context.close()


def test_the_pin_moves_where_the_map_is_clicked(page, desk):
    sign_in(page, "fran@example.org")
    page.goto(f"/groups/{desk.slug}/edit/")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    figure = page.locator("[data-pin-map]")
    assert "The pin is at 40.81160, -73.95500." in figure.inner_text()
    svg = figure.locator("svg")
    size = svg.bounding_box()
    # a click halfway between the centre and the top: 90 of the map's 360 units north of the pin
    svg.click(position={"x": size["width"] / 2, "y": size["height"] / 4})
    status = figure.locator("[data-pin-status]").inner_text()
    assert not errors, errors
    assert re.match(r"The pin is now at 40\.81\d+, -73\.95\d+, 5\d\d m from where it was\.", status), status
    moved = float(page.locator("#id_group-latitude").input_value())
    assert 40.8116 + 0.004 < moved < 40.8116 + 0.006  # 90 units of 160 per km: about 560 m north
    figure.get_by_role("button", name="East by 25 meters").click()
    assert float(page.locator("#id_group-longitude").input_value()) > -73.955
    assert "Morningside Heights" in figure.inner_text()  # the gazetteer's places around the pin
    check_desk(page, "listing form pin moved", details=["[data-pin-map]"])
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Your changes are saved.").wait_for()
    desk.refresh_from_db()
    assert desk.latitude == pytest.approx(moved) and desk.longitude > -73.955
    assert desk.location_source == "facilitator"


def test_a_member_confirms_before_leaving_and_copies_the_calendar(page, desk):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, "alice@example.org")
    page.goto("/groups/manage/")
    page.get_by_role("button", name="Copy the calendar address").click()
    page.get_by_text("Copied. Paste it into your calendar app.").wait_for()
    assert "/groups/calendar/" in page.evaluate("navigator.clipboard.readText()")
    check_desk(page, "my groups as a member")
    page.goto(desk.get_absolute_url())
    page.locator("summary", has_text="Leave this group").click()
    assert page.get_by_text("Leave Harlem Skills Circle? You will no longer see its address").is_visible()
    check_desk(page, "group page leave confirmation")
    page.get_by_role("button", name="Yes, leave the group").click()
    page.get_by_text("You have left Harlem Skills Circle.").wait_for()
    assert JoinRequest.objects.get(user__email="alice@example.org").status == "removed"


# --- The moderator -----------------------------------------------------------------------------


@pytest.fixture
def queues():
    """Two new listings, one changed (format, schedule and link), a report, a contact message,
    a professional application."""
    fran = make_user("fran@example.org", "Fran")
    make_user("mod@example.org", "Morgan", moderator=True)
    for name in ("Harlem Evening Skills", "Astoria Wise Mind With A Long Name For Narrow Screens"):
        make_group(fran, name=name, status="pending", submitted_at=datetime(2026, 11, 7, 15, tzinfo=UTC))
    changed = make_group(fran, name="Brooklyn Skills Circle", town="Brooklyn")
    changed.format = "hybrid"
    changed.meeting_url = "https://meet.example.org/brooklyn"
    changed.save()
    changed.meeting_times.update(recurrence="monthly", week_of_month=2)
    PeerGroup.objects.filter(pk=changed.pk).update(has_unreviewed_changes=True)
    Report.objects.create(group=changed, reason="wrong", text="The room has changed to 4.")
    ContactMessage.objects.create(name="Robin", email="robin@example.org", topic="press", message="May we write?")
    make_professional("pat@example.org", status="pending", public_name="Pat Lee")
    return changed


def header_count(page):
    return int(page.locator(".account-nav .count").first.inner_text().split()[0])


def test_the_console_fits_and_counts_agree(page, queues):
    sign_in(page, "mod@example.org")
    page.goto("/moderation/")
    counts = [int(n) for n in page.locator(".queue-nav .count").all_inner_texts()]
    assert counts == [2, 1, 1, 0, 1, 1]  # new, changed, reports, testimonials, applications, messages
    assert header_count(page) == sum(counts) == 6
    check_desk(page, "moderation console")
    page.set_viewport_size(PHONE)
    cell = page.locator("#pending td[data-label='Submitted']").first
    assert cell.inner_text().strip() == "7 Nov 2026"
    assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= PHONE["width"]
    page.set_viewport_size(DESKTOP)

    page.get_by_role("link", name="Harlem Evening Skills").click()
    page.get_by_role("button", name="Approve and publish").click()
    page.get_by_text("Approved. The listing is public.").wait_for()
    assert header_count(page) == 5
    assert [int(n) for n in page.locator(".queue-nav .count").all_inner_texts()][0] == 1


def test_a_diff_reads_as_people_say_it(page, queues):
    sign_in(page, "mod@example.org")
    page.goto("/moderation/groups/brooklyn-skills-circle/")
    diff = words(page, ".diff")
    assert "Format In person Hybrid (in person and online)" in diff
    assert "When it meets Every Tuesday, 19:00–20:30 The second Tuesday of the month, 19:00–20:30" in diff
    assert "Meeting link A link on meet.example.org was added. Links are private, so not shown." in diff
    for raw in ("in_person", "['", "(private)", "/brooklyn"):
        assert raw not in diff, raw
    check_desk(page, "moderation review with changes")

    question = "Has the group moved to Room 4?"
    page.get_by_label("Ask the facilitators a question").fill(question)
    page.get_by_role("button", name="Send the question (Brooklyn Skills Circle)").click()
    page.get_by_text("Your question is sent to the facilitators of Brooklyn Skills Circle").wait_for()
    assert f"A moderator asked the facilitators by Morgan: {question}" in words(page, ".history")

    page.get_by_role("button", name="Accept the changes").click()
    page.get_by_text("Changes accepted. The listing stays public, as it is now.").wait_for()
    assert page.get_by_text("Approved. The listing is public.").count() == 0


def test_contact_messages_can_be_replied_to(page, queues):
    sign_in(page, "mod@example.org")
    page.goto("/moderation/messages/")
    reply = page.get_by_role("link", name="Reply to Robin")
    assert reply.get_attribute("href").startswith("mailto:robin@example.org?subject=Re%3A%20your%20message")
    check_desk(page, "contact messages")
    page.goto("/moderation/professionals/")
    check_desk(page, "professional applications")


def test_after_setting_up_two_factor_the_moderator_lands_where_they_were_going(page, queues):
    from tests.conftest import PASSWORD, totp_code

    make_user("new-mod@example.org", "Nia", moderator=True, authenticator=False)
    sign_in(page, "new-mod@example.org")
    page.goto("/moderation/groups/brooklyn-skills-circle/")
    page.get_by_role("heading", name="Confirm Access").wait_for()
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Set up an authenticator app").wait_for()
    page.get_by_label("Authenticator code").fill(totp_code(page.get_by_label("Secret").input_value()))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    page.get_by_role("heading", name="Recovery codes").wait_for()
    check_desk(page, "recovery codes with the way back")
    page.get_by_role("link", name="Continue to where you were going").click()
    page.get_by_role("heading", name="Brooklyn Skills Circle").wait_for()
    assert page.url.endswith("/moderation/groups/brooklyn-skills-circle/")


# --- Professionals, reports signed out, lessons -------------------------------------------------


def test_a_verified_endorser_finds_their_entry(page):
    profile = make_professional("dana@example.org", public_name="Dana Lee", credentials="LPC, MA")
    sign_in(page, "dana@example.org")
    page.goto("/professionals/")
    assert page.get_by_role("link", name="Endorse as a professional").count() == 0
    page.get_by_role("link", name="Your entry").click()
    page.get_by_role("heading", name="Dana Lee, LPC, MA").wait_for()
    check_desk(page, "endorser entry")
    page.goto("/account/")
    page.get_by_role("link", name="See your public entry").click()
    assert page.url.endswith(f"/professionals/{profile.pk}/")
    page.goto("/professionals/me/")
    page.get_by_label("Name as it should appear").fill("Dana Lee, LPC, MA")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Give your name without “LPC”, “MA”").wait_for()
    check_desk(page, "endorsement form with credentials in the name")


def test_someone_signed_out_reports_a_listing(page):
    group = make_group(make_user("fran@example.org", "Fran"))
    page.goto(group.get_absolute_url())
    page.get_by_role("link", name="Report a problem with this listing").click()
    page.get_by_text("You do not need an account to report a listing.").wait_for()
    check_desk(page, "report signed out")
    page.get_by_label("The group no longer meets").check()
    page.locator("#id_text").fill("The library says the group stopped in October.")
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Thank you. A moderator will look at your report.").wait_for()
    report = Report.objects.get()
    assert (report.reporter, report.reason) == (None, "closed")


def test_the_four_modules_never_leave_one_alone(page):
    page.goto("/lessons/")
    for size in (PHONE, DESKTOP, {"width": 1600, "height": 900}):
        page.set_viewport_size(size)
        rows = {}
        for card in page.locator(".module-card").all():
            top = round(card.bounding_box()["y"])
            rows[top] = rows.get(top, 0) + 1
        assert sorted(rows.values()) in ([1, 1, 1, 1], [2, 2]), (size, rows)
    check_desk(page, "lessons")
