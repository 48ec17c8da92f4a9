"""The worker and post pages: every error in one round, the masked phone, the linked
account, editing a post."""

import pytest

from gonghui.staffing.models import SocialWorker
from gonghui.staffing.people import services as people_services
from gonghui.staffing.people.tests.matrix import _worker_form
from gonghui.staffing.tests.factories import build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def test_the_worker_form_reports_every_error_in_one_round(tree, users, login):
    client = login(users.township_staff)
    data = _worker_form(tree.a, name="", contract_end="2023-01-01", phone="12")
    data.pop("education")
    response = client.post("/staffing/new/", data)
    assert response.status_code == 422
    page = response.content.decode()
    for message in (
        "请填写姓名",
        "请选择学历",
        "合同到期日期须晚于开始日期",
        "手机号须为 11 位数字",
    ):
        assert message in page, message
    assert not SocialWorker.objects.exists()


def test_the_phone_is_masked_on_the_detail_page(tree, users, login):
    worker = build_worker(org=tree.a, phone="13912345678")
    page = login(users.township_staff).get(f"/staffing/{worker.pk}/").content.decode()
    assert "139****5678" in page
    assert "13912345678" not in page


def test_editing_a_worker_links_their_account(tree, users, login):
    worker = build_worker(org=tree.a, phone="13912345678")
    account = make_user("sw_link", "social_worker", tree.a)
    data = _worker_form(tree.a, name=worker.name, status="active", username="sw_link")
    response = login(users.township_staff).post(f"/staffing/{worker.pk}/edit/", data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.user == account
    assert worker.phone == "13912345678"  # left blank on the form: kept


def test_staff_edit_a_post_and_cannot_stop_one_that_is_held(tree, users, login):
    from gonghui.staffing.models import Post

    post = people_services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    holder = build_worker(org=tree.a, post=post)
    client = login(users.township_staff)
    listing = client.get("/staffing/posts/").content.decode()
    assert f"/staffing/posts/{post.pk}/edit/" in listing
    form = client.get(f"/staffing/posts/{post.pk}/edit/").content.decode()
    assert "甲镇社工岗" in form and 'name="org"' not in form
    # Stopping a held post, with a blank name: both refused in one round, nothing stored.
    refused = client.post(f"/staffing/posts/{post.pk}/edit/", {"name": "", "note": "x"})
    page = refused.content.decode()
    assert refused.status_code == 422
    assert "请填写岗位名称。" in page and "该岗位有社工在岗，不能停用" in page
    assert Post.objects.get(pk=post.pk).name == "甲镇社工岗"
    saved = client.post(
        f"/staffing/posts/{post.pk}/edit/",
        {"name": "甲镇社工一岗", "note": "负责入会", "is_active": "on"},
    )
    assert saved.status_code == 302
    post.refresh_from_db()
    assert (post.name, post.note, post.is_active) == ("甲镇社工一岗", "负责入会", True)
    people_services.worker_update(actor=None, worker=holder, post=None)
    stopped = client.post(f"/staffing/posts/{post.pk}/edit/", {"name": "甲镇社工一岗"})
    assert stopped.status_code == 302
    assert Post.objects.get(pk=post.pk).is_active is False


def test_the_register_shows_this_year_s_training_hours_against_the_county_minimum(
    tree, users, login
):
    from django.utils import timezone

    from gonghui.staffing.pay import services as pay_services

    pay_services.scheme_save(
        actor=None,
        county=tree.county,
        computed_share=40,
        rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
        targets=[{"measure": "members.joined", "target": 10, "weight": 100}],
        cutoff_excellent=90,
        cutoff_competent=75,
        cutoff_basic=60,
        bonus={"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
        training_min_hours=20,
    )
    today = timezone.localdate()
    trained = build_worker(org=tree.a, name="学时达标社工")
    short = build_worker(org=tree.a, name="学时不足社工")
    people_services.training_add(actor=None, worker=trained, course="工会法", day=today, hours=24)
    people_services.training_add(actor=None, worker=short, course="工会法", day=today, hours=8)
    people_services.training_add(
        actor=None, worker=short, course="旧课", day=today.replace(year=today.year - 1), hours=40
    )
    client = login(users.township_staff)
    page = client.get("/staffing/").content.decode()
    assert "24.0 / 20" in page and "8.0 / 20" in page  # last year's 40 hours do not count
    page = client.get("/staffing/?training=below").content.decode()
    assert "学时不足社工" in page and "学时达标社工" not in page
