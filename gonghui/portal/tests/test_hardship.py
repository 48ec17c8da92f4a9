"""困难职工自测, the hardship application and its status check on the portal: anonymous,
without JavaScript, Chinese messages at the fields, rate limits through the cache."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache

from gonghui.assistance.archives import public
from gonghui.assistance.archives.tests.factories import build_archive, ensure_standard
from gonghui.assistance.choices import ApplicationSource, ArchiveStatus
from gonghui.assistance.models import HardshipArchive, HouseholdMember
from gonghui.members.tests.factories import make_id_number
from gonghui.portal.registry import portal_links

SELF_CHECK = "/portal/assistance/self-check/"
APPLY = "/portal/assistance/apply/"
STATUS = "/portal/assistance/status/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def county_standard(tree):
    ensure_standard(tree.a1)  # 800 yuan per person per month from 2020


def _html(response) -> str:
    return response.content.decode()


def _figures(tree, **overrides):
    data = {
        "township": str(tree.a.pk),
        "household_size": "3",
        "annual_income": "36000",
        "medical_expense": "6000",
        "schooling_expense": "",
        "disability_expense": "",
        "disaster": "",
    }
    data.update(overrides)
    return data


def _application(tree, **overrides):
    data = {
        **_figures(tree),
        "name": "王困难",
        "id_number": make_id_number(n=4101, birth=datetime.date(1980, 5, 6)),
        "phone": "13900002468",
        "address": "青禾县甲镇幸福路 8 号",
        "hukou_type": "urban",
        "main_cause": "serious_illness",
        "promise": "on",
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "2",
        "household-0-relation": "spouse",
        "household-0-name": "李配偶",
        "household-0-monthly_income": "1500",
        "household-1-relation": "child",
        "household-1-name": "王小孩",
        "household-1-school_stage": "junior",
    }
    data.update(overrides)
    return data


# --- anonymous access -------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_hardship_page_answers_anonymous_visitors(client, tree, county_standard):
    assert client.get(SELF_CHECK).status_code == 200
    assert client.post(SELF_CHECK, _figures(tree)).status_code == 200
    assert client.get(APPLY).status_code == 200
    assert client.post(APPLY, {**_figures(tree), "prefill": "1"}).status_code == 200
    assert client.post(APPLY, _application(tree)).status_code == 302
    assert client.get("/portal/assistance/apply/done/").status_code == 200
    assert client.get(STATUS).status_code == 200


@pytest.mark.django_db
def test_home_lists_the_self_check_and_the_status_check():
    urls = [link.url for link in portal_links()]
    assert SELF_CHECK in urls and STATUS in urls


# --- self-check --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_self_check_shows_the_category_with_the_calculation_and_stores_nothing(
    client, tree, county_standard
):
    # Given (36000 − 6000) ÷ 12 ÷ 3 = 833.33 a month against a standard of 800
    response = client.post(SELF_CHECK, _figures(tree))
    html = _html(response)
    # Then it is 相对困难 (≥ 1×, < 2×), with every figure named
    assert "您家可能符合“相对困难”职工条件" in html
    assert "833.33" in html and "800.00" in html and "1,600.00" in html
    assert "测试县总工会" in html
    assert 'name="prefill"' in html and "申请建档" in html
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_self_check_below_the_line_is_deep_and_an_accident_qualifies_a_richer_household(
    client, tree, county_standard
):
    deep = _html(client.post(SELF_CHECK, _figures(tree, annual_income="18000", medical_expense="")))
    assert "“深度困难”" in deep
    rich = _figures(tree, annual_income="120000", medical_expense="")
    assert "暂不符合困难职工建档条件" in _html(client.post(SELF_CHECK, rich))
    accident = _html(client.post(SELF_CHECK, {**rich, "disaster": "accident"}))
    assert "“意外致困”" in accident and "致困原因含意外事故" in accident


@pytest.mark.django_db
def test_self_check_errors_are_in_chinese_at_their_fields(client, tree, county_standard):
    response = client.post(
        SELF_CHECK,
        _figures(tree, township="", household_size="0", annual_income="-5", medical_expense="abc"),
    )
    html = _html(response)
    assert response.status_code == 422
    assert 'id="id_township_errors"' in html and "请选择所在乡镇(街道)。" in html
    assert 'id="id_household_size_errors"' in html and "家庭人口应为 1 到 20 人" in html
    assert 'id="id_annual_income_errors"' in html and "家庭年收入不能为负数。" in html
    assert 'id="id_medical_expense_errors"' in html and "医疗支出请填写数字" in html


@pytest.mark.django_db
def test_self_check_without_a_county_standard_says_so(client, tree):
    response = client.post(SELF_CHECK, _figures(tree))
    assert response.status_code == 422
    assert public.NO_STANDARD in _html(response)


# --- application ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_prefill_carries_the_self_check_figures_into_the_application_form(
    client, tree, county_standard
):
    html = _html(
        client.post(APPLY, {**_figures(tree, disaster="natural_disaster"), "prefill": "1"})
    )
    assert 'value="36000"' in html and 'value="6000"' in html
    assert '<option value="natural_disaster" selected>' in html
    assert 'name="household-TOTAL_FORMS" value="2"' in html  # 3 people: 2 member rows
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_an_application_creates_an_archive_from_the_portal_with_its_household(
    client, tree, county_standard
):
    response = client.post(APPLY, _application(tree))
    assert response.status_code == 302 and response["Location"] == "/portal/assistance/apply/done/"
    archive = HardshipArchive.objects.get()
    assert archive.source == ApplicationSource.PORTAL and archive.status == ArchiveStatus.APPLIED
    assert archive.org == tree.a and archive.category == "relative"
    assert archive.phone == "13900002468"
    assert archive.annual_income == Decimal("36000") and archive.household_size == 3
    people = {p.name: p for p in HouseholdMember.objects.filter(archive=archive)}
    assert set(people) == {"李配偶", "王小孩"}
    assert people["李配偶"].monthly_income == Decimal("1500")
    assert people["王小孩"].school_stage == "junior"
    done = _html(client.get(response["Location"]))
    assert "甲镇总工会" in done and "相对困难" in done


@pytest.mark.django_db
def test_a_bad_member_row_shows_at_the_row_and_nothing_is_stored(client, tree, county_standard):
    data = _application(tree, **{"household-1-id_number": "110105194912310022"})
    response = client.post(APPLY, data)
    html = _html(response)
    assert response.status_code == 422
    assert 'id="id_household-1-id_number_errors"' in html
    assert HardshipArchive.objects.count() == 0 and HouseholdMember.objects.count() == 0


@pytest.mark.django_db
def test_application_errors_are_in_chinese_at_the_fields(client, tree, county_standard):
    data = _application(
        tree, name="", id_number="123", phone="", main_cause="", promise="", hukou_type=""
    )
    response = client.post(APPLY, data)
    html = _html(response)
    assert response.status_code == 422
    assert "请勾选承诺。" in html
    assert 'id="id_phone_errors"' in html
    for field in ("name", "id_number", "hukou_type", "main_cause"):
        assert f'id="id_{field}_errors"' in html, field
    assert "身份证号应为 18 位" in html
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_an_empty_application_shows_every_error_in_one_round(client, tree, county_standard):
    """Issue 14 #3: an empty submit flagged only 家庭住址 and 承诺; then 乡镇 and 手机; then
    姓名, 身份证号 … Now one submit names them all, the member rows included."""
    data = {
        "household-TOTAL_FORMS": "2",
        "household-INITIAL_FORMS": "0",
        "household-0-name": "李配偶",
        "household-0-id_number": "110105194912310021",
    }
    html = _html(client.post(APPLY, data))
    for field in (
        "township",
        "name",
        "id_number",
        "phone",
        "address",
        "hukou_type",
        "household_size",
        "annual_income",
        "main_cause",
        "promise",
        "household-0-relation",
        "household-0-id_number",
    ):
        assert f'id="id_{field}_errors"' in html, field
    assert "身份证号校验位不正确" in html
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_a_form_error_alone_still_reports_the_services_errors(client, tree, county_standard):
    """The promise unticked (the form's check) with a bad phone and a clashing ID (the
    service's): every message on the first submit; the check counts as an attempt."""
    existing = build_archive(org=tree.b1)
    data = _application(tree, promise="", phone="123", id_number=existing.id_number)
    html = _html(client.post(APPLY, data))
    assert "请勾选承诺。" in html
    assert 'id="id_phone_errors"' in html
    assert "该身份证号已有困难职工档案或正在办理中" in html and existing.name not in html
    assert HardshipArchive.objects.count() == 1


@pytest.mark.django_db
def test_more_members_than_the_household_size_is_refused(client, tree, county_standard):
    response = client.post(APPLY, _application(tree, household_size="2"))
    assert response.status_code == 422
    assert "家庭人口(含本人)应不少于 3 人" in _html(response)
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_resize_gives_one_row_per_other_household_member_and_keeps_typing(
    client, tree, county_standard
):
    html = _html(client.post(APPLY, {**_application(tree, household_size="5"), "resize": "1"}))
    assert 'name="household-TOTAL_FORMS" value="4"' in html
    assert 'value="李配偶"' in html and 'value="王困难"' in html
    assert HardshipArchive.objects.count() == 0


@pytest.mark.django_db
def test_a_second_application_for_the_same_worker_is_refused_without_details(
    client, tree, county_standard
):
    existing = build_archive(org=tree.b1)
    response = client.post(APPLY, _application(tree, id_number=existing.id_number))
    html = _html(response)
    assert response.status_code == 422
    assert "该身份证号已有困难职工档案或正在办理中" in html
    assert "乙镇一村工会" not in html and existing.name not in html
    assert HardshipArchive.objects.count() == 1


@pytest.mark.django_db
def test_applications_are_rate_limited_per_ip_and_per_id_number(client, tree, county_standard):
    existing = build_archive(org=tree.b1)
    allowed, _window = public.APPLY_ATTEMPTS_PER_ID
    for _ in range(allowed):
        assert (
            client.post(APPLY, _application(tree, id_number=existing.id_number)).status_code == 422
        )
    response = client.post(APPLY, _application(tree, id_number=existing.id_number))
    assert response.status_code == 429 and "今日提交次数过多" in _html(response)
    cache.clear()
    allowed, _window = public.APPLY_ATTEMPTS_PER_IP
    for n in range(allowed):
        client.post(APPLY, _application(tree, phone="", id_number=make_id_number(n=4200 + n)))
    response = client.post(APPLY, _application(tree))
    assert response.status_code == 429 and "操作过于频繁" in _html(response)
    assert HardshipArchive.objects.count() == 1


# --- status check --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_status_check_answers_the_same_for_an_unknown_id_and_a_wrong_phone(
    client, tree, county_standard
):
    client.post(APPLY, _application(tree))
    number = _application(tree)["id_number"]
    found = _html(client.post(STATUS, {"id_number": number, "phone": "13900002468"}))
    assert "已提交，等待工会核实" in found and "甲镇总工会" in found
    wrong_phone = client.post(STATUS, {"id_number": number, "phone": "13900009999"})
    unknown = client.post(STATUS, {"id_number": make_id_number(n=4999), "phone": "13900002468"})
    assert wrong_phone.status_code == unknown.status_code == 404
    assert public.STATUS_NOT_FOUND in _html(wrong_phone)
    assert _html(wrong_phone).replace(number, "").count(public.STATUS_NOT_FOUND) == 1
    assert public.STATUS_NOT_FOUND in _html(unknown)


@pytest.mark.django_db
def test_status_check_validates_and_is_rate_limited(client, tree, county_standard):
    bad = client.post(STATUS, {"id_number": "123", "phone": ""})
    assert bad.status_code == 422 and 'id="id_phone_errors"' in _html(bad)
    number = make_id_number(n=4998)
    allowed, _window = public.STATUS_PER_ID
    for _ in range(allowed):
        assert client.post(STATUS, {"id_number": number, "phone": "13900001111"}).status_code == 404
    limited = client.post(STATUS, {"id_number": number, "phone": "13900001111"})
    assert limited.status_code == 429 and "查询过于频繁" in _html(limited)


def test_an_application_needs_the_home_address(client, tree):
    from gonghui.assistance.models import HardshipArchive

    response = client.post(APPLY, _application(tree, address=""))
    assert response.status_code == 422
    assert "请填写家庭住址。" in response.content.decode()
    assert not HardshipArchive.objects.exists()
