"""The caravan, stop and registration pages: lists, details, forms in one round, the phone
registration page and the portal's pre-registration."""

import datetime

import pytest
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.members.tests.factories import make_id_number
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanStop,
    OnSiteRegistration,
    StopOffer,
)
from gonghui.outreach.caravans.tests.factories import build_caravan, build_stop, offer_of, register

pytestmark = pytest.mark.django_db


def _local(dt: datetime.datetime) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_lists_and_details_show_what_is_in_scope(tree, users, login):
    own = build_stop(org=tree.a1, place="甲镇广场")
    other = build_stop(org=tree.b1, place="乙镇广场")
    register(own, name="王芳")
    client = login(users.township_staff)
    html = client.get("/outreach/stops/").content.decode()
    assert "甲镇广场" in html and "乙镇广场" not in html
    detail = client.get(f"/outreach/stops/{own.pk}/").content.decode()
    assert "王芳" in detail and "现场登记" in detail
    assert client.get(f"/outreach/stops/{other.pk}/").status_code == 404
    assert client.get("/outreach/registrations/?q=王芳").content.decode().count("王芳") >= 1


def test_the_caravan_form_reports_every_error_in_one_round(tree, users, login):
    client = login(users.county_staff)
    response = client.post(
        "/outreach/caravans/new/",
        {"org": tree.county.pk, "name": "", "kind": "custom", "services": ["training"]},
    )
    form = response.context["form"]
    assert form.errors["name"] == ["请填写名称。"]
    assert form.errors["kind_label"] == ["自定类型的大篷车请填写类型名称。"]
    assert form.errors["trades"] == ["提供免费技能培训的大篷车请选择可培训的工种。"]
    assert not Caravan.objects.exists()


def test_planning_a_stop_with_its_offers(tree, users, login):
    caravan = build_caravan(org=tree.county)
    client = login(users.county_staff)
    assert client.get("/outreach/stops/new/").status_code == 200
    start = timezone.now() + datetime.timedelta(days=5)
    data = {
        "caravan": caravan.pk,
        "org": tree.a1.pk,
        "starts_at": _local(start),
        "ends_at": _local(start + datetime.timedelta(hours=3)),
        "place": "甲镇文化广场",
        "host_kind": "community",
        "host_name": "甲镇一村",
        "crs": "wgs84",
        "lng": "119.720000",
        "lat": "29.100000",
        "portal_open": "on",
        "offers-TOTAL_FORMS": "3",
        "offers-INITIAL_FORMS": "0",
        "offers-0-service": "job_aid",
        "offers-0-quota": "30",
        "offers-1-service": "training",
        "offers-1-trade": "welder",
        "offers-1-quota": "12",
        "offers-2-service": "legal_pack",
    }
    response = client.post("/outreach/stops/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    stop = CaravanStop.objects.get(place="甲镇文化广场")
    # the point was converted from WGS-84 to GCJ-02 as for service sites
    assert (stop.lng, stop.lat) != (119.72, 29.10)
    assert sorted(stop.offers.values_list("service", "trade", "quota")) == [
        ("job_aid", "", 30),
        ("legal_pack", "", None),
        ("training", "welder", 12),
    ]
    # a trade the caravan does not train is refused with nothing written
    data.update({"place": "另一处", "offers-1-trade": "cook"})
    response = client.post("/outreach/stops/new/", data)
    assert response.status_code == 200
    assert "该大篷车不能培训“中式烹调师”" in response.content.decode()
    assert not CaravanStop.objects.filter(place="另一处").exists()


def test_on_site_registration_on_a_phone_page(tree, users, login, settings):
    settings.PUBLIC_URL = "https://gonghui.qinghe.gov.cn"
    stop = build_stop(org=tree.a1, quotas={"job_aid": 1, "training:welder": 5})
    client = login(users.township_staff)
    page = client.get(f"/outreach/stops/{stop.pk}/register/")
    assert page.status_code == 200
    assert b"<script" not in page.content.split(b"</head>")[1]  # no script of its own
    job = offer_of(stop)
    response = client.post(
        f"/outreach/stops/{stop.pk}/register/",
        {"offer": job.pk, "name": "王芳", "consent": "on", "phone": "13800005678"},
    )
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "已登记：<strong>王芳</strong>" in follow and "名额已确认" in follow
    # not a member: offered the join flow, a QR code of the portal's joining page to scan
    assert "网上入会" in follow and "<svg" in follow.split('id="last-registration"')[1]
    # the place is gone: the next one waits
    client.post(f"/outreach/stops/{stop.pk}/register/", {"offer": job.pk, "name": "李强"})
    assert "候补第 1 位" in client.get(f"/outreach/stops/{stop.pk}/register/").content.decode()
    # bad input: every problem at once, nothing written
    before = OnSiteRegistration.objects.count()
    response = client.post(
        f"/outreach/stops/{stop.pk}/register/",
        {"offer": job.pk, "name": "", "id_number": "123", "wish_pay": "-5"},
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["请填写姓名。"]
    assert "consent" in errors and "wish_pay" in errors
    assert OnSiteRegistration.objects.count() == before


def test_registration_detail_masks_and_an_audited_unmask_shows(tree, users, login):
    stop = build_stop(org=tree.a1)
    id_number = make_id_number()
    made = register(stop, consent=True, id_number=id_number, phone="13800005678")
    client = login(users.township_staff)
    html = client.get(f"/outreach/registrations/{made.pk}/").content.decode()
    assert "138****5678" in html and id_number not in html
    response = client.post(f"/outreach/registrations/{made.pk}/unmask/", {"reason": "电话回访"})
    assert id_number in response.content.decode()
    assert AuditEvent.objects.filter(action="unmasked", object_id=str(made.pk)).exists()


def test_the_portal_books_a_place_and_the_worker_cancels_it(tree, client):
    stop = build_stop(org=tree.a1, place="甲镇便民广场", quotas={"job_aid": 1})
    listing = client.get("/portal/outreach/").content.decode()
    assert "甲镇便民广场" in listing
    job = offer_of(stop)
    response = client.post(
        f"/portal/outreach/stops/{stop.pk}/", {"offer": job.pk, "name": "赵敏", "wish_job": "电工"}
    )
    assert response.status_code == 302
    made = OnSiteRegistration.objects.get(name="赵敏")
    assert made.channel == "portal" and made.recorded_by is None
    page = client.get(response["Location"]).content.decode()
    assert "预约成功" in page and made.reference in page and "/join/" in page
    client.post(response["Location"])
    made.refresh_from_db()
    assert made.status == "cancelled"
    assert StopOffer.objects.get(pk=job.pk).confirmed == 0
    assert client.get("/portal/outreach/registrations/NOSUCHREF1/").status_code == 404


def _flashed(response) -> list[str]:
    """The messages a post left for the next page (then dropped, as showing them would)."""
    from django.contrib.messages import get_messages

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return shown


def test_the_offer_form_reports_its_own_and_the_service_errors_in_one_round(tree, users, login):
    stop = build_stop(org=tree.a1)
    client = login(users.township_staff)
    before = (StopOffer.objects.count(), AuditEvent.objects.count())
    # a quota that does not parse (the form) and training without a trade (the service)
    response = client.post(
        f"/outreach/stops/{stop.pk}/offers/", {"service": "training", "trade": "", "quota": "x"}
    )
    # back at the top of the stop's page, where the messages show (not scrolled to the offers)
    assert response["Location"] == f"/outreach/stops/{stop.pk}/"
    assert _flashed(response) == ["名额请填写整数。", "请选择培训工种。"]
    # the service's rule for a trade the caravan does not train, with a quota out of range
    response = client.post(
        f"/outreach/stops/{stop.pk}/offers/",
        {"service": "training", "trade": "cook", "quota": "0"},
    )
    assert _flashed(response) == ["名额不能小于 1。", "该大篷车不能培训“中式烹调师”。"]
    assert (StopOffer.objects.count(), AuditEvent.objects.count()) == before
    added = client.post(f"/outreach/stops/{stop.pk}/offers/", {"service": "health"})
    assert added["Location"] == f"/outreach/stops/{stop.pk}/#offers"
    assert StopOffer.objects.filter(stop=stop, service="health").exists()


def test_the_quota_and_cancel_forms_report_in_chinese_and_write_nothing(tree, users, login):
    stop = build_stop(org=tree.a1, quotas={"job_aid": 3, "legal_aid": None})
    register(stop)
    register(stop)
    offer = offer_of(stop)
    client = login(users.township_staff)
    before = AuditEvent.objects.count()
    assert _flashed(client.post(f"/outreach/offers/{offer.pk}/quota/", {"quota": "abc"})) == [
        "名额请填写整数。"
    ]
    assert _flashed(client.post(f"/outreach/offers/{offer.pk}/quota/", {"quota": "1"})) == [
        "名额不能少于已确认的 2 人。"
    ]
    no_quota = offer_of(stop, "legal_aid")
    assert _flashed(client.post(f"/outreach/offers/{no_quota.pk}/quota/", {"quota": "5"})) == [
        "该服务项目不设名额。"
    ]
    response = client.post(f"/outreach/stops/{stop.pk}/cancel/", {"reason": " "})
    assert _flashed(response) == ["请填写取消原因。"]
    stop.refresh_from_db()
    offer.refresh_from_db()
    assert (stop.status, offer.quota, offer.confirmed) == ("planned", 3, 2)
    assert AuditEvent.objects.count() == before


def test_a_cancelled_stop_takes_no_summary_even_with_bad_input(tree, users, login):
    from gonghui.outreach.caravans import services

    stop = build_stop(org=tree.a1, starts_in_days=-1)
    services.stop_cancel(actor=None, stop=stop, reason="下雨")
    client = login(users.township_staff)
    offer = offer_of(stop)
    response = client.post(f"/outreach/stops/{stop.pk}/summary/", {f"served_{offer.pk}": "x"})
    assert response.status_code == 302
    assert _flashed(response) == ["已取消的站次不能填写服务小结。"]
    stop.refresh_from_db()
    assert stop.summary == "" and stop.status == "cancelled"


def test_a_stop_and_its_offers_are_changed_through_the_api(tree, users, client):
    import json

    from gonghui.accounts.services import token_create

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.township_staff)}"}
    stop = build_stop(org=tree.a1, place="甲镇广场")
    register(stop)

    def call(method, path, body=None):
        return getattr(client, method)(
            f"/api/v1/outreach{path}",
            json.dumps(body or {}),
            content_type="application/json",
            **auth,
        )

    before = stop.ends_at
    refused = call("patch", f"/stops/{stop.pk}", {"ends_at": stop.starts_at.isoformat()})
    assert refused.status_code == 422
    assert refused.json()["fields"] == {"ends_at": ["结束时间应晚于开始时间。"]}
    stop.refresh_from_db()
    assert stop.ends_at == before
    moved = call("patch", f"/stops/{stop.pk}", {"place": "甲镇文化广场", "version": stop.version})
    assert moved.status_code == 200 and moved.json()["place"] == "甲镇文化广场"
    # an offer with people on it stays; an unused one goes
    in_use = call("delete", f"/offers/{offer_of(stop).pk}")
    assert in_use.status_code == 409
    assert in_use.json()["message"] == "已有职工登记的服务项目不能删除，可调整名额。"
    assert call("delete", f"/offers/{offer_of(stop, 'legal_aid').pk}").status_code == 204
    assert not StopOffer.objects.filter(stop=stop, service="legal_aid").exists()
