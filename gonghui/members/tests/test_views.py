"""Member pages through HTTP: Chinese errors at the field, masking, audited unmasking, card."""

import datetime

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.paging import CappedPaginator
from gonghui.members.models import Member, MemberStatus
from gonghui.members.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def _form(org, **overrides):
    data = {
        "org": org.pk,
        "name": "周八",
        "id_number": make_id_number(birth=datetime.date(1988, 8, 8), n=31),
        "phone": "13600001234",
        "ethnicity": "01",
        "political_status": "masses",
        "skill_level": "none",
        "hukou_type": "urban",
        "employment_form": "standard",
        "joined_on": "2024-03-01",
    }
    data.update(overrides)
    return data


def test_create_redirects_to_detail_with_card_number(login, users, tree):
    client = login(users.grassroots_staff)
    response = client.post("/members/new/", _form(tree.a1))
    member = Member.objects.get(name="周八")
    assert response.status_code == 302
    assert response["Location"] == f"/members/{member.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert member.card_number in page
    assert "入会，发放会员卡号" in page


def test_create_errors_show_in_chinese_at_the_field_and_write_nothing(login, users, tree):
    client = login(users.grassroots_staff)
    response = client.post(
        "/members/new/",
        _form(tree.a1, id_number="110105194912310021", phone="12345", gender="male"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<ul class="errorlist" id="id_id_number_errors"><li>身份证号校验位不正确，请核对后重新输入。</li></ul>'
        in page
    )
    assert (
        '<ul class="errorlist" id="id_phone_errors"><li>手机号码应为 11 位中国大陆手机号，如 13800001234。</li></ul>'
        in page
    )
    assert Member.objects.count() == 0


def test_create_reports_every_error_in_one_round(login, users, tree):
    """Missing required fields, a bad check digit and a bad phone: all on the first submit."""
    client = login(users.grassroots_staff)
    data = _form(tree.a1, name="", joined_on="", id_number="110105194912310021", phone="12345")
    page = client.post("/members/new/", data).content.decode()
    assert '<ul class="errorlist" id="id_name_errors"><li>请填写姓名。</li></ul>' in page
    assert "id_joined_on_errors" not in page  # may be left blank: the member is 信息待补全
    assert "身份证号校验位不正确，请核对后重新输入。" in page
    assert "手机号码应为 11 位中国大陆手机号" in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_phone_errors"' in page
    assert Member.objects.count() == 0


def test_edit_reports_every_error_in_one_round(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    client = login(users.grassroots_staff)
    data = _form(tree.a1, name="", phone="12345", version=member.version)
    data.pop("org")
    data["id_number"] = member.id_number
    page = client.post(f"/members/{member.pk}/edit/", data).content.decode()
    assert "请填写姓名。" in page
    assert "手机号码应为 11 位中国大陆手机号" in page
    member.refresh_from_db()
    assert member.phone != "12345"


def test_create_gender_contradicting_the_id_is_shown_at_gender(login, users, tree):
    client = login(users.county_admin)
    response = client.post("/members/new/", _form(tree.a1, gender="female"))
    assert '<ul class="errorlist" id="id_gender_errors"><li>性别与身份证号不符' in (
        response.content.decode()
    )
    assert Member.objects.count() == 0


def test_create_for_an_org_out_of_scope_is_404(login, users, tree):
    client = login(users.township_staff)
    response = client.post("/members/new/", _form(tree.b1))
    assert response.status_code == 404
    assert Member.objects.count() == 0


def test_detail_masks_id_and_phone(login, users, tree, member_factory):
    member = member_factory(org=tree.a1, phone="13812345678")
    page = login(users.grassroots_staff).get(f"/members/{member.pk}/").content.decode()
    assert member.id_number not in page
    assert f"{member.id_number[:4]}**********{member.id_number[-4:]}" in page
    assert "13812345678" not in page
    assert "138****5678" in page
    assert "查看完整信息" not in page  # grassroots staff lack view_sensitive


def test_unmask_needs_a_reason_and_is_audited(login, users, tree, member_factory):
    member = member_factory(org=tree.a1, phone="13812345678")
    client = login(users.county_staff)
    assert "查看完整信息" in client.get(f"/members/{member.pk}/").content.decode()

    response = client.post(f"/members/{member.pk}/unmask/", {"reason": ""})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action=AuditAction.UNMASKED).exists()

    page = client.post(f"/members/{member.pk}/unmask/", {"reason": "核实身份"}).content.decode()
    assert member.id_number in page
    assert "13812345678" in page
    event = AuditEvent.objects.get(action=AuditAction.UNMASKED)
    assert (event.user, event.object_id, event.org_id) == (
        users.county_staff,
        str(member.pk),
        tree.a1.pk,
    )
    assert event.detail == {"fields": ["id_number", "phone"], "reason": "核实身份"}


def test_unmask_without_view_sensitive_is_404_and_not_audited(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    response = login(users.township_staff).post(f"/members/{member.pk}/unmask/", {"reason": "好奇"})
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.UNMASKED).exists()


def test_edit_changes_employment_form_and_keeps_history(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    client = login(users.grassroots_staff)
    form = client.get(f"/members/{member.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(employment_form="food_delivery")
    response = client.post(f"/members/{member.pk}/edit/", data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.employment_form == "food_delivery"
    assert list(member.events.order_by("id").values_list("kind", flat=True)) == [
        "joined",
        "updated",
    ]


def test_deactivate_page_then_detail_shows_status(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    client = login(users.grassroots_staff)
    response = client.post(f"/members/{member.pk}/deactivate/", {"reason": ""})
    assert "请填写退会原因。" in response.content.decode()
    response = client.post(f"/members/{member.pk}/deactivate/", {"reason": "退休"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == MemberStatus.DEACTIVATED
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert "已退会" in page and "退会：退休" in page
    # A deactivated member cannot be edited
    assert client.get(f"/members/{member.pk}/edit/").status_code == 302


def test_card_page_has_an_inline_qr_code(login, users, tree, member_factory):
    member = member_factory(org=tree.a1)
    page = login(users.social_worker).get(f"/members/{member.pk}/card/").content.decode()
    assert f'<dd class="mono" id="card-number">{member.card_number}</dd>' in page
    assert '<svg width="' in page and f"<title>会员卡号 {member.card_number}</title>" in page


def test_list_search_and_filters_render(login, users, tree, member_factory):
    member_factory(org=tree.a1, name="张三", employment_form="courier")
    member_factory(org=tree.a1, name="李四")
    client = login(users.township_staff)
    page = client.get("/members/", {"q": "zs"}).content.decode()
    assert "张三" in page and "李四" not in page
    page = client.get("/members/", {"new_form_only": "1"}).content.decode()
    assert "张三" in page and "李四" not in page
    assert "共 1 条" in page
    assert client.get("/members/", {"org": tree.b.pk}).status_code == 404


def test_capped_paginator_stops_counting_at_the_cap(users, tree, member_factory):
    for i in range(5):
        member_factory(org=tree.a1, name=f"会员{i}")
    paginator = CappedPaginator(Member.objects.order_by("-id"), 2, cap=3)
    assert paginator.count == 4  # cap + 1: "more than 3"
    assert paginator.capped is True
    assert [m.name for m in paginator.page(2)] == ["会员2", "会员1"]
    exact = CappedPaginator(Member.objects.order_by("-id"), 2, cap=10)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)


def test_edit_form_masks_id_and_phone_and_keeps_them_when_posted_back(
    login, users, tree, member_factory
):
    from gonghui.core.masking import mask_id_number, mask_phone

    member = member_factory(org=tree.a1, name="王五", phone="13912345678")
    original_id = member.id_number
    client = login(users.township_staff)
    page = client.get(f"/members/{member.pk}/edit/").content.decode()
    assert member.id_number not in page and "13912345678" not in page
    assert mask_id_number(member.id_number) in page and mask_phone("13912345678") in page
    form = client.get(f"/members/{member.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(name="王五改", employer="", version=member.version)
    response = client.post(f"/members/{member.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert (member.name, member.phone) == ("王五改", "13912345678")
    assert member.id_number == original_id
