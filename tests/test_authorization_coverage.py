"""Every named view has an authorization test. Adding a view without one fails here: name the
test that checks who may use it (anonymous, member, the wrong facilitator, the right one, a
moderator) in COVERED."""

import importlib

from django.urls import URLPattern, URLResolver, get_resolver

GROUPS = "tests.groups.test_authorization"
ACCOUNTS = "tests.accounts.test_contact_and_console"
LESSONS = "tests.lessons.test_lessons"

COVERED = {
    # anyone may switch language; only a member's own account keeps it
    "set_language": "tests.i18n.test_language_urls::test_a_language_the_site_does_not_have_is_not_kept",
    # groups: the persona matrices
    **dict.fromkeys(
        ["group_detail", "group_edit", "group_submit", "group_confirm", "group_notices", "group_facilitators",
         "group_report", "group_join", "group_requests", "group_calendar", "group_join_withdraw", "group_leave",
         "moderation_group", "moderation_approve", "moderation_reject", "moderation_unpublish",
         "moderation_archive"],
        f"{GROUPS}::test_published_group_views",
    ),
    **dict.fromkeys(["group_list", "group_create", "group_manage", "moderation", "meeting_guide_feed",
                     "feed_about"],
                    f"{GROUPS}::test_pages"),
    **dict.fromkeys(["notice_delete", "facilitator_remove", "invitation_cancel", "moderation_report_close",
                     "moderation_report_ask"],
                    f"{GROUPS}::test_object_actions"),
    **dict.fromkeys(["group_approve", "group_decline", "group_remove"],
                    f"{GROUPS}::test_only_the_groups_facilitators_decide_requests"),
    **dict.fromkeys(["start_group", "waiting_create", "waiting_confirm", "waiting_unsubscribe", "waiting_renew",
                     "waiting_stop"], "tests.groups.test_waiting::test_who_may_use_the_waiting_pages"),
    **dict.fromkeys(["group_print", "group_print_pdf", "group_flyer", "group_flyer_pdf"],
                    "tests.groups.test_outreach::test_everyone_may_print_a_published_group_and_nobody_a_draft"),
    "member_calendar_reset": f"{GROUPS}::test_calendar_reset",
    "member_calendar": "tests.groups.test_calendars_and_feed::test_resetting_the_calendar_address_kills_the_old_one",
    "invitation_accept": "tests.groups.test_facilitators::test_invitation_cannot_be_accepted_by_someone_else",
    "adviser_invite": "tests.accounts.test_professionals::"
    "test_only_professionals_in_the_region_who_offered_can_be_asked",
    "adviser_accept": "tests.accounts.test_professionals::test_someone_else_cannot_answer_an_adviser_invitation",
    "adviser_decline": "tests.accounts.test_professionals::test_someone_else_cannot_answer_an_adviser_invitation",
    # issue 18: the skills rotation and members' e-mails about changes
    **dict.fromkeys(["group_rotation", "group_rotation_follow", "group_rotation_stop", "group_rotation_pin",
                     "group_rotation_unpin", "group_rotation_skip"],
                    "tests.groups.test_rotation::test_who_may_see_and_change_the_rotation"),
    "group_change_emails": "tests.groups.test_change_emails::test_who_may_choose_a_groups_change_emails",
    "change_emails_stop": "tests.groups.test_change_emails::"
    "test_the_stop_link_works_for_whoever_holds_it_and_only_for_its_person",
    # accounts
    **dict.fromkeys(["account", "account_export", "account_delete"],
                    "tests.accounts.test_account::test_anonymous_is_sent_to_login"),
    **dict.fromkeys(
        ["moderation_professionals", "moderation_professional", "moderation_professional_verify",
         "moderation_professional_reject", "moderation_messages", "moderation_message_handled",
         "professional_list", "professional_join", "contact"],
        f"{ACCOUNTS}::test_authorization_matrix",
    ),
    "professional_me": "tests.accounts.test_professionals::test_editing_the_statement_keeps_the_listing",
    "professional_withdraw": "tests.accounts.test_professionals::test_withdrawing_removes_the_listing",
    "professional_detail": "tests.accounts.test_desk_professionals::test_only_verified_entries_are_public",
    # lessons and information pages
    **dict.fromkeys(
        ["lesson_index", "lesson_feed", "skill_list", "testimonial_list", "testimonial_create",
         "moderation_testimonials", "moderation_testimonial_approve", "moderation_testimonial_reject", "robots_txt"],
        f"{LESSONS}::test_authorization_matrix",
    ),
    **dict.fromkeys(["lesson_detail", "lesson_module"], f"{LESSONS}::test_drafts_are_404_to_the_public_and_members"),
    "skill_detail": f"{LESSONS}::test_every_shipped_skill_renders",
    **dict.fromkeys(["toolkit_index", "toolkit_page"],
                    "tests.lessons.test_toolkit_pages::test_the_toolkit_is_open_to_everyone"),
    # public pages for everyone, walked as every persona
    **dict.fromkeys(
        ["home", "healthz", "sitemap", "django.contrib.sitemaps.views.sitemap", "page_about", "page_crisis",
         "page_everyday_dbt", "page_instant_mindfulness", "page_links", "page_privacy", "page_skills_defined",
         "page_terms", "page_what_is_dbt"],
        "tests.test_every_url::test_no_url_answers_500_or_leaks_a_private_address",
    ),
}  # fmt: skip

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
