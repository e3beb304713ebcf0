import json

from django.urls import reverse

from accounts.services import delete_account, export_user_data
from groups.models import GroupFacilitator, PeerGroup, Report
from tests.conftest import make_user


def test_export_lists_facilitated_groups_and_reports(facilitator, group, other_group):
    Report.objects.create(group=other_group, reporter=facilitator, reason="wrong", text="Time is wrong")
    data = json.loads(json.dumps(export_user_data(user=facilitator), default=str))
    assert [g["group"] for g in data["facilitated_groups"]] == [group.name]
    assert data["facilitated_groups"][0]["role"] == "lead"
    assert data["reports_sent"][0]["text"] == "Time is wrong"


def test_deleting_a_sole_lead_archives_the_group(facilitator, group):
    delete_account(user=facilitator)
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.ARCHIVED
    assert not GroupFacilitator.objects.filter(group=group).exists()


def test_deleting_a_lead_hands_the_group_to_a_co_facilitator(facilitator, group):
    cora = make_user("cora@example.org", "Cora")
    GroupFacilitator.objects.create(group=group, user=cora, role="co")
    delete_account(user=facilitator)
    group.refresh_from_db()
    assert group.status == PeerGroup.Status.PUBLISHED
    assert GroupFacilitator.objects.get(group=group).user == cora
    assert GroupFacilitator.objects.get(group=group).role == "lead"


def test_deleting_a_reporter_keeps_the_report_but_not_the_person(member, group):
    report = Report.objects.create(group=group, reporter=member, reason="wrong", text="My words")
    delete_account(user=member)
    report.refresh_from_db()
    assert report.reporter is None and report.text == ""


def test_delete_page_lists_what_groups_removes(member_client):
    body = member_client.get(reverse("account_delete")).content.decode()
    assert "A group you lead alone is archived" in body
