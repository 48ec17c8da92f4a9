"""Worker records (every problem at once, nothing written) and posts (one holder each)."""

import datetime as dt

import pytest

from gonghui.core.errors import ValidationFailed
from gonghui.staffing.models import (
    SocialWorker,
)
from gonghui.staffing.people import services as people_services
from gonghui.staffing.tests.factories import build_worker

pytestmark = pytest.mark.django_db


def test_worker_record_reports_every_problem_and_writes_nothing(tree):
    with pytest.raises(ValidationFailed) as caught:
        build_worker(
            org=tree.a,
            name="",
            phone="123",
            contract_start=dt.date(2026, 1, 1),
            contract_end=dt.date(2025, 1, 1),
            funding_source="county",
            county_share=60,
        )
    assert set(caught.value.fields) == {"name", "phone", "contract_end", "county_share"}
    assert not SocialWorker.objects.exists()


def test_a_post_holds_one_worker(tree):
    post = people_services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    build_worker(org=tree.a1, post=post)
    with pytest.raises(ValidationFailed, match="已有人在岗"):
        build_worker(org=tree.a, post=post)
    b_post = people_services.post_create(actor=None, org=tree.b, name="乙镇社工岗")
    with pytest.raises(ValidationFailed, match="岗位须设在"):
        build_worker(org=tree.a, post=b_post)
