"""Every named view has an authorization test. Adding a view without one fails here: name the
test that checks who may use it (anonymous, member, the wrong facilitator, the right one, a
moderator) in COVERED."""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import VIEWS_REQUESTED

GROUPS = "tests.groups.test_authorization"
ACCOUNTS = "tests.accounts.test_contact_and_console"
LESSONS = "tests.lessons.test_lessons"

COVERED = {
    # anyone may switch language; only a member's own account keeps it
    "set_language": "tests.i18n.test_language_urls::test_a_language_the_site_does_not_have_is_not_kept",
    # groups: the persona matrices
    **dict.fromkeys(
        [
            "group_detail",
            "group_edit",
            "group_submit",
            "group_confirm",
            "group_notices",
            "group_facilitators",
            "group_report",
            "group_join",
            "group_requests",
            "group_calendar",
            "group_join_withdraw",
            "group_leave",
            "moderation_group",
            "moderation_approve",
            "moderation_reject",
            "moderation_unpublish",
            "moderation_archive",
        ],
        f"{GROUPS}::test_published_group_views",
    ),
    **dict.fromkeys(
        ["group_list", "group_create", "group_manage", "moderation", "meeting_guide_feed", "feed_about"],
        f"{GROUPS}::test_pages",
    ),
    "notice_delete": f"{GROUPS}::test_only_the_groups_facilitator_deletes_a_notice",
    "facilitator_remove": f"{GROUPS}::test_only_the_groups_facilitator_removes_a_co_facilitator",
    "invitation_cancel": f"{GROUPS}::test_only_the_groups_facilitator_cancels_an_invitation",
    "moderation_report_ask": f"{GROUPS}::test_only_a_moderator_asks_a_reports_facilitators",
    "moderation_report_close": f"{GROUPS}::test_only_a_moderator_closes_a_report",
    **dict.fromkeys(
        ["group_approve", "group_decline", "group_remove"],
        f"{GROUPS}::test_only_the_groups_facilitators_decide_requests",
    ),
    **dict.fromkeys(
        ["start_group", "waiting_create", "waiting_confirm", "waiting_unsubscribe", "waiting_renew", "waiting_stop"],
        "tests.groups.test_waiting::test_who_may_use_the_waiting_pages",
    ),
    **dict.fromkeys(
        ["group_print", "group_print_pdf", "group_flyer", "group_flyer_pdf"],
        "tests.groups.test_outreach::test_everyone_may_print_a_published_group_and_nobody_a_draft",
    ),
    "member_calendar_reset": f"{GROUPS}::test_calendar_reset_gives_the_signed_in_person_a_new_address",
    "member_calendar": "tests.groups.test_calendars_and_feed::test_resetting_the_calendar_address_kills_the_old_one",
    "invitation_accept": "tests.groups.test_facilitators::test_invitation_cannot_be_accepted_by_someone_else",
    "adviser_invite": f"{GROUPS}::test_only_the_groups_facilitator_asks_a_professional_to_advise",
    **dict.fromkeys(
        ["adviser_accept", "adviser_decline"],
        f"{GROUPS}::test_only_the_invited_professional_answers_an_adviser_invitation",
    ),
    # issue 18: the skills rotation and members' e-mails about changes
    **dict.fromkeys(
        [
            "group_rotation",
            "group_rotation_follow",
            "group_rotation_stop",
            "group_rotation_pin",
            "group_rotation_unpin",
            "group_rotation_skip",
        ],
        "tests.groups.test_rotation::test_who_may_see_and_change_the_rotation",
    ),
    "group_change_emails": "tests.groups.test_change_emails::test_who_may_choose_a_groups_change_emails",
    "change_emails_stop": "tests.groups.test_change_emails::"
    "test_the_stop_link_works_for_whoever_holds_it_and_only_for_its_person",
    # accounts
    **dict.fromkeys(
        ["account", "account_export", "account_delete"], "tests.accounts.test_account::test_anonymous_is_sent_to_login"
    ),
    **dict.fromkeys(
        [
            "moderation_professionals",
            "moderation_professional",
            "moderation_professional_verify",
            "moderation_messages",
            "moderation_message_handled",
            "professional_list",
            "professional_join",
            "contact",
        ],
        f"{ACCOUNTS}::test_authorization_matrix",
    ),
    "moderation_professional_reject": f"{ACCOUNTS}::test_only_a_moderator_rejects_a_professionals_application",
    "moderation_testimonial_reject": f"{LESSONS}::test_only_a_moderator_rejects_a_testimonial",
    "professional_me": "tests.accounts.test_professionals::test_editing_the_statement_keeps_the_listing",
    "professional_withdraw": "tests.accounts.test_professionals::test_withdrawing_removes_the_listing",
    "professional_detail": "tests.accounts.test_desk_professionals::test_only_verified_entries_are_public",
    # lessons and information pages
    **dict.fromkeys(
        [
            "lesson_index",
            "lesson_feed",
            "skill_list",
            "testimonial_list",
            "testimonial_create",
            "moderation_testimonials",
            "moderation_testimonial_approve",
            "robots_txt",
        ],
        f"{LESSONS}::test_authorization_matrix",
    ),
    "lesson_detail": f"{LESSONS}::test_drafts_are_404_to_the_public_and_members",
    "lesson_module": f"{LESSONS}::test_a_modules_page_is_open_to_everyone_and_lists_only_its_published_lessons",
    "skill_detail": f"{LESSONS}::test_every_shipped_skill_renders",
    **dict.fromkeys(
        ["toolkit_index", "toolkit_page"], "tests.lessons.test_toolkit_pages::test_the_toolkit_is_open_to_everyone"
    ),
    # public pages for everyone, walked as every persona
    **dict.fromkeys(
        [
            "home",
            "healthz",
            "sitemap",
            "django.contrib.sitemaps.views.sitemap",
            "page_about",
            "page_crisis",
            "page_everyday_dbt",
            "page_instant_mindfulness",
            "page_links",
            "page_privacy",
            "page_skills_defined",
            "page_terms",
            "page_what_is_dbt",
        ],
        "tests.test_every_url::test_no_url_answers_500_or_leaks_a_private_address",
    ),
}

# Views that come with libraries and have their own permission checks.
LIBRARY_VIEWS = {"accounts_user_add", "auth_user_password_change", "view_on_site"}


def named_views(resolver=None):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from named_views(entry)
        elif (
            isinstance(entry, URLPattern)
            and entry.name
            and not entry.lookup_str.startswith(("allauth.", "django.contrib.admin"))
        ):
            yield entry.name


def test_every_view_has_an_authorization_test():
    missing = set(named_views()) - set(COVERED) - LIBRARY_VIEWS
    assert not missing, f"Views without an authorization test: {sorted(missing)}"


def test_every_named_test_exists():
    for name, where in COVERED.items():
        module, function = where.split("::")
        assert hasattr(importlib.import_module(module), function), (name, where)


def requested(where, name, module_slugs):
    """Whether the test `where` requested the view `name` in this session. /lessons/<slug>/ is
    one route for two names: a module's page when the slug is a module's, else a lesson's."""
    seen = VIEWS_REQUESTED[where]
    if name in ("lesson_detail", "lesson_module"):
        return any(n == "lesson_detail" and (slug in module_slugs) is (name == "lesson_module") for n, slug in seen)
    return any(n == name for n, _slug in seen)


def test_each_named_test_requests_its_views():
    """Run after the others (tests/conftest.py orders it so): each named test that ran in this
    session did request the view it is named for, as recorded by tests/conftest.py."""
    ran = {name: where for name, where in COVERED.items() if where in VIEWS_REQUESTED}
    if not ran:
        pytest.skip("none of the named tests ran in this session")
    module_slugs = {"mindfulness", "distress-tolerance", "emotion-regulation", "interpersonal-effectiveness"}
    never = sorted(f"{name} <- {where}" for name, where in ran.items() if not requested(where, name, module_slugs))
    assert not never, f"Named tests that never request their view: {never}"
