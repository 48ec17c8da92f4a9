"""Closing a programme (结束项目): a POST on the detail page and POST /api/v1/programmes/{id}/close,
for users with edit scope over the programme's own org; a closed programme shows its state
and refuses new proposals and approvals in Chinese; approved grants can still be paid."""

import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.assistance.models import Grant, Programme
from gonghui.assistance.programmes import services
from gonghui.assistance.programmes.models import GrantStatus, ProgrammeStatus
from gonghui.assistance.programmes.tests.factories import approved, archived, programme_in, proposed
from gonghui.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _status(programme) -> str:
    return Programme.objects.get(pk=programme.pk).status


def _api(client, user, url):
    token = token_create(user=user, name="t")
    return client.post(
        url, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_county_staff_close_a_programme_from_its_page(tree, users, login):
    # given an open county programme with one pending proposal
    programme = programme_in(tree.county, name="县总送温暖")
    proposed(programme, archived(tree.a1))
    client = login(users.county_staff)
    page = client.get(f"/assistance/programmes/{programme.pk}/").content.decode()
    # then the page offers 结束项目 behind a confirmation that mentions the pending proposal
    assert 'id="close-btn"' in page and "尚有 1 项待审批的发放将无法审批" in page
    # when they close it
    response = client.post(f"/assistance/programmes/{programme.pk}/close/", follow=True)
    # then it is closed, audited, and the page says so without the close or approve buttons
    body = response.content.decode()
    assert _status(programme) == ProgrammeStatus.CLOSED
    assert "已结束项目：县总送温暖" in body
    assert 'id="closed-notice"' in body and "已结束" in body
    assert 'id="close-btn"' not in body and 'id="approve-btn"' not in body
    assert 'id="propose-btn"' not in body and "选择符合条件的家庭" not in body
    event = AuditEvent.objects.get(detail__what="programme_close")
    assert event.user == users.county_staff and event.object_id == str(programme.pk)


def test_a_closed_programme_refuses_proposals_and_approvals_in_chinese(tree, users, login):
    household, other = archived(tree.a1), archived(tree.a1)
    programme = programme_in(tree.county)
    (pending,) = proposed(programme, household)
    services.programme_close(actor=users.county_staff, programme=programme)
    client = login(users.county_staff)
    eligible = client.get(f"/assistance/programmes/{programme.pk}/eligible/").content.decode()
    assert "该项目已结束，不能再提出发放。" in eligible and 'id="propose-btn"' not in eligible
    refused = client.post(
        f"/assistance/programmes/{programme.pk}/eligible/",
        {"pick": [f"{other.pk}:household"]},
        follow=True,
    ).content.decode()
    assert "项目已结束，不能再提出发放。" in refused
    assert not Grant.objects.filter(archive=other).exists()
    refused = client.post(
        f"/assistance/programmes/{programme.pk}/approve/", {"grant": [pending.pk]}, follow=True
    ).content.decode()
    assert "所属项目已结束" in refused
    assert Grant.objects.get(pk=pending.pk).status == GrantStatus.PROPOSED


def test_approved_grants_can_still_be_paid_after_closing(tree, users):
    programme = programme_in(tree.county)
    (grant,) = approved(programme, archived(tree.a1))
    services.programme_close(actor=users.county_staff, programme=programme)
    paid = services.grant_disburse(actor=users.county_staff, grant=grant, method="bank")
    assert paid.status == GrantStatus.DISBURSED


def test_closing_twice_changes_nothing_and_says_so(tree, users, login):
    programme = programme_in(tree.county)
    client = login(users.county_staff)
    client.post(f"/assistance/programmes/{programme.pk}/close/")
    body = client.post(
        f"/assistance/programmes/{programme.pk}/close/", follow=True
    ).content.decode()
    assert "该项目已经结束。" in body
    assert AuditEvent.objects.filter(detail__what="programme_close").count() == 1


def test_only_editors_of_the_owning_org_see_the_button_and_may_close(tree, users, login):
    # given a county programme with a budget allocated to township A (so A's staff see it)
    programme = programme_in(tree.county, name="县总项目")
    services.budget_allocate(actor=None, programme=programme, org=tree.a, amount="2000")
    # then township staff see the programme but no close button, and their POST is a 404
    client = login(users.township_staff)
    page = client.get(f"/assistance/programmes/{programme.pk}/")
    assert page.status_code == 200 and 'id="close-btn"' not in page.content.decode()
    assert client.post(f"/assistance/programmes/{programme.pk}/close/").status_code == 404
    # and a leader (view only) neither
    client = login(users.leader)
    assert (
        'id="close-btn"'
        not in client.get(f"/assistance/programmes/{programme.pk}/").content.decode()
    )
    assert client.post(f"/assistance/programmes/{programme.pk}/close/").status_code == 404
    assert _status(programme) == ProgrammeStatus.OPEN
    # while township staff close their own township's programme
    own = programme_in(tree.a, name="甲镇项目")
    response = login(users.township_staff).post(f"/assistance/programmes/{own.pk}/close/")
    assert response.status_code == 302 and _status(own) == ProgrammeStatus.CLOSED


def test_close_through_the_api(client, tree, users):
    programme = programme_in(tree.county, name="接口项目")
    household = archived(tree.a1)
    url = f"/api/v1/programmes/{programme.pk}/close"
    # a leader holds no edit grant: 403; township staff cannot see the programme: 404
    assert _api(client, users.leader, url).status_code == 403
    assert _api(client, users.township_staff, url).status_code == 404
    assert _status(programme) == ProgrammeStatus.OPEN
    # county staff close it
    response = _api(client, users.county_staff, url)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed" and response.json()["name"] == "接口项目"
    # then a proposal through the API answers 409 in Chinese
    refused = client.post(
        f"/api/v1/programmes/{programme.pk}/grants",
        data=json.dumps({"archive_ids": [household.pk]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_create(user=users.county_staff, name='t2')}",
    )
    assert refused.status_code == 409
    assert refused.json()["message"] == "项目已结束，不能再提出发放。"


def test_the_openapi_document_lists_the_close_endpoint(client, users, login):
    schema = login(users.county_staff).get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/programmes/{id}/close"]["post"]
    assert operation["summary"] == "结束帮扶项目"
