"""The workforce create forms show every problem in one round: the form's own (a required
field), the look-up's (an unknown card number) and the service's rules (an apprentice who is
their own master), on one submit, and nothing is written."""

import pytest

from gonghui.testing.fixtures import make_user
from gonghui.workforce.mentorships.models import Mentorship
from gonghui.workforce.pioneers.models import Nomination
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_mentorship_submit_shows_the_form_and_the_service_errors_at_once(client, tree):
    client.force_login(make_user("wf_forms", "county_staff", tree.county))
    person = f.member(tree.a1)
    response = client.post(
        "/workforce/mentorships/new/",
        {
            "master": person.card_number,
            "apprentice": person.card_number,
            "trade": str(f.trade().pk),
            "signed_on": "2026-03-01",
            "starts_on": "2026-03-01",
            "ends_on": "2026-02-01",
            "goals": "",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 422
    assert "请填写带徒目标" in errors["goals"][0]  # the form's
    assert any("师傅" in e and "徒弟" in e for e in errors["apprentice"])  # the service's
    assert errors["ends_on"]  # the service's date order
    assert not Mentorship.objects.exists()


def test_a_nomination_submit_reports_an_unknown_person_with_the_rest(client, tree):
    client.force_login(make_user("wf_forms2", "county_staff", tree.county))
    response = client.post(
        "/workforce/nominations/new/",
        {"org": str(tree.a1.pk), "kind": "medal", "level": "county", "year": "2026",
         "member": "999999999999999", "deeds": "", "workers_heard_note": ""},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert response.status_code == 422
    assert "未找到" in errors["member"][0]
    assert {"deeds", "workers_heard_on", "workers_heard_note"} <= set(errors)
    assert not Nomination.objects.exists()
