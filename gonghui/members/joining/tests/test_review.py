"""Staff review of online joining applications: queue, approve, reject, scope."""

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.joining import services as joining
from gonghui.members.joining.tests.matrix import build_application
from gonghui.members.models import EventKind, JoinPath, JoinStatus, Member
from gonghui.members.tests.factories import build_member
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db


def test_queue_lists_pending_in_scope_with_filters(login, tree, users):
    build_application(org=tree.a, name="待审甲")
    build_application(org=tree.a1, name="已拒甲", status=JoinStatus.REJECTED)
    build_application(org=tree.b, name="待审乙")
    client = login(users.township_staff)
    body = client.get("/members/join-applications/").content.decode()
    assert "待审甲" in body and "已拒甲" not in body and "待审乙" not in body
    body = client.get("/members/join-applications/?status=rejected").content.decode()
    assert "已拒甲" in body and "待审甲" not in body
    body = client.get("/members/join-applications/?status=&q=甲").content.decode()
    assert "待审甲" in body and "已拒甲" in body
    body = client.get(
        f"/members/join-applications/?status=&path={JoinPath.EMPLOYER_UNION}"
    ).content.decode()
    assert "待审甲" not in body


def test_nav_has_review_link(login, users):
    body = login(users.township_staff).get("/members/").content.decode()
    assert "/members/join-applications/" in body and "入会审核" in body


def test_detail_masks_id_and_phone(login, tree, users):
    app = build_application(org=tree.a, phone="13712345678")
    body = login(users.township_staff).get(f"/members/join-applications/{app.pk}/").content.decode()
    assert app.id_number not in body and "13712345678" not in body
    assert "137****5678" in body and app.id_number[-4:] in body


def test_approve_creates_member_with_card_and_history(login, tree, users):
    employer = build_enterprise(org=tree.a, has_union=True, union=tree.ae)
    app = build_application(
        org=tree.ae, path=JoinPath.EMPLOYER_UNION, employer=employer, name="赵快递"
    )
    client = login(users.township_staff)
    response = client.post(f"/members/join-applications/{app.pk}/approve/")
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == JoinStatus.APPROVED and app.reviewed_by == users.township_staff
    member = app.member
    assert member.org == tree.ae and member.name == "赵快递"
    assert member.id_number == app.id_number and member.phone == app.phone
    assert member.employer == employer and member.employment_form == "courier"
    assert len(member.card_number) == 15
    assert member.events.filter(kind=EventKind.JOINED).exists()
    event = AuditEvent.objects.get(action="approved", object_id=str(app.pk))
    assert event.result == "success" and event.detail["member_id"] == member.pk
    page = client.get(f"/members/join-applications/{app.pk}/").content.decode()
    assert member.card_number in page


def test_double_approve_refused(tree, users):
    app = build_application(org=tree.a)
    joining.application_approve(actor=users.township_staff, application=app)
    with pytest.raises(Conflict):
        joining.application_approve(actor=users.township_staff, application=app)
    assert Member.objects.filter(id_number_hash=app.id_number_hash).count() == 1


def test_double_approve_via_page_shows_message(login, tree, users):
    app = build_application(org=tree.a)
    client = login(users.township_staff)
    client.post(f"/members/join-applications/{app.pk}/approve/")
    response = client.post(f"/members/join-applications/{app.pk}/approve/", follow=True)
    assert "不能重复审核" in response.content.decode()
    assert Member.objects.count() == 1


def test_approve_refused_when_already_member(tree, users):
    app = build_application(org=tree.a)
    build_member(org=tree.b1, id_number=app.id_number)
    with pytest.raises(ValidationFailed):
        joining.application_approve(actor=users.township_staff, application=app)
    app.refresh_from_db()
    assert app.status == JoinStatus.PENDING


def test_reject_needs_reason(login, tree, users):
    app = build_application(org=tree.a)
    client = login(users.township_staff)
    response = client.post(f"/members/join-applications/{app.pk}/reject/", {"reason": "  "})
    assert response.status_code == 422
    assert "请填写未通过原因" in response.content.decode()
    app.refresh_from_db()
    assert app.status == JoinStatus.PENDING
    with pytest.raises(ValidationFailed):
        joining.application_reject(actor=users.township_staff, application=app, reason="")


def test_reject_with_reason_is_audited(login, tree, users):
    app = build_application(org=tree.a)
    client = login(users.township_staff)
    response = client.post(
        f"/members/join-applications/{app.pk}/reject/", {"reason": "非本镇务工人员"}
    )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == JoinStatus.REJECTED and app.reject_reason == "非本镇务工人员"
    event = AuditEvent.objects.get(action="approved", object_id=str(app.pk))
    assert event.result == "failure" and event.detail["decision"] == "rejected"
    with pytest.raises(Conflict):
        joining.application_approve(actor=users.township_staff, application=app)


def test_other_townships_application_is_404(login, tree, users):
    app = build_application(org=tree.b)
    client = login(users.township_staff)
    assert client.get(f"/members/join-applications/{app.pk}/").status_code == 404
    assert client.post(f"/members/join-applications/{app.pk}/approve/").status_code == 404
    assert (
        client.post(f"/members/join-applications/{app.pk}/reject/", {"reason": "x"}).status_code
        == 404
    )
    with pytest.raises(NotFound):
        joining.application_approve(actor=users.township_staff, application=app)
    app.refresh_from_db()
    assert app.status == JoinStatus.PENDING


def test_grassroots_staff_review_their_own_unions_applications_only(login, tree, users):
    # given: applications to the grassroots user's union (A1) and to its township (A)
    own = build_application(org=tree.a1, name="本会申请人")
    above = build_application(org=tree.a, name="镇代管申请人")
    client = login(users.grassroots_staff)
    # then: the queue shows their union's application with the decision, nothing above it
    body = client.get("/members/join-applications/").content.decode()
    assert "本会申请人" in body and "镇代管申请人" not in body
    assert "批准入会" in client.get(f"/members/join-applications/{own.pk}/").content.decode()
    assert client.get(f"/members/join-applications/{above.pk}/").status_code == 404
    assert client.post(f"/members/join-applications/{above.pk}/approve/").status_code == 404
    # when they approve their own
    assert client.post(f"/members/join-applications/{own.pk}/approve/").status_code == 302
    own.refresh_from_db()
    above.refresh_from_db()
    assert own.status == JoinStatus.APPROVED and own.member.org == tree.a1
    assert above.status == JoinStatus.PENDING


def test_leader_sees_the_queue_read_only(login, tree, users):
    app = build_application(org=tree.a1, name="领导可见申请人")
    client = login(users.leader)
    body = client.get("/members/join-applications/").content.decode()
    assert "领导可见申请人" in body and "审核由申请所属工会" in body
    detail = client.get(f"/members/join-applications/{app.pk}/").content.decode()
    assert "领导可见申请人" in detail and "批准入会" not in detail and "不予通过" not in detail
    assert client.post(f"/members/join-applications/{app.pk}/approve/").status_code == 404
    assert (
        client.post(f"/members/join-applications/{app.pk}/reject/", {"reason": "x"}).status_code
        == 404
    )
    app.refresh_from_db()
    assert app.status == JoinStatus.PENDING


def test_public_submit_then_approve_then_status_shows_approved(client, tree, users):
    from django.core.cache import cache

    from gonghui.members.tests.factories import make_id_number

    cache.clear()
    number = make_id_number()
    client.post(
        "/join/",
        {
            "name": "钱外卖",
            "id_number": number,
            "phone": "13812340000",
            "employment_form": "food_delivery",
            "path": JoinPath.HOLDING_POOL,
            "pool_org": str(tree.a.pk),
        },
    )
    app = joining.application_list(users.township_staff).get()
    member = joining.application_approve(actor=users.township_staff, application=app)
    assert member.org == tree.a and member.employment_form == "food_delivery"
    client.logout()
    body = client.post(
        "/join/status/", {"id_number": number, "phone": "13812340000"}
    ).content.decode()
    assert "已通过" in body and "甲镇总工会" in body
    assert member.card_number not in body  # the status page shows status, union, reason only
