"""One rule for what a member record must have (members.models: MEMBER_REQUIRED,
MEMBER_DEFAULTS, MEMBER_TO_COMPLETE), and the form, the API and the import all follow it."""

import datetime

import pytest
from django.urls import reverse

from gonghui.core.imports.services import import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.members.api import MemberCreateIn
from gonghui.members.forms import MemberForm
from gonghui.members.importers import MEMBER_SPEC
from gonghui.members.models import (
    MEMBER_DEFAULTS,
    MEMBER_REQUIRED,
    MEMBER_TO_COMPLETE,
    Member,
    member_incomplete_q,
)
from gonghui.members.services import member_register
from gonghui.members.tests.factories import build_member, make_id_number

# The API names the union org_id; the import takes the import's org when a row names none.
_API_NAMES = {"org": "org_id"}


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_form_the_api_and_the_import_require_the_same_fields(tree):
    form = MemberForm(orgs=[tree.a], employers=[])
    assert {name for name, field in form.fields.items() if field.required} == set(MEMBER_REQUIRED)
    api_required = {name for name, f in MemberCreateIn.model_fields.items() if f.is_required()}
    assert api_required == {_API_NAMES.get(name, name) for name in MEMBER_REQUIRED}
    import_required = {column.key for column in MEMBER_SPEC.columns if column.required}
    assert import_required == set(MEMBER_REQUIRED) - {"org"}
    # Nothing the record may lack for a while is required anywhere.
    for field in MEMBER_TO_COMPLETE:
        assert field not in MEMBER_REQUIRED


def test_the_form_and_the_api_offer_the_same_defaults(tree):
    form = MemberForm(orgs=[tree.a], employers=[])
    for field, default in MEMBER_DEFAULTS.items():
        assert form.fields[field].initial == default, field
        assert MemberCreateIn.model_fields[field].default == default, field


@pytest.fixture
def three_ways(users, tree, login):
    """Register a member with only the required fields by the form, the API and an import;
    the three members, in that order."""

    def register() -> list[Member]:
        ids = [make_id_number() for _ in range(3)]
        client = login(users.township_staff)
        response = client.post(
            reverse("members:create"),
            {"org": tree.a1.pk, "name": "表单登记", "id_number": ids[0]},
        )
        assert response.status_code == 302, response.content.decode()
        response = client.post(
            "/api/v1/members",
            {"org_id": tree.a1.pk, "name": "接口登记", "id_number": ids[1]},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content.decode()
        job = import_upload(
            actor=users.township_staff,
            kind="members",
            file=xlsx_upload([["姓名", "身份证号"], ["表格导入", ids[2]]]),
            org=tree.a1,
            direct_mode="skip_invalid",
        )
        assert job.created_count == 1
        return _by(ids)

    return register


def _by(ids):
    from gonghui.core.crypto import keyed_hash

    return [Member.objects.get(id_number_hash=keyed_hash(number)) for number in ids]


def test_a_member_with_only_the_required_fields_is_the_same_however_registered(three_ways):
    members = three_ways()
    for field, default in MEMBER_DEFAULTS.items():
        assert {getattr(m, field) for m in members} == {default}, field
    assert {(m.hukou_type, m.joined_on, m.employer_id, m.education) for m in members} == {
        ("", None, None, "")
    }
    assert [m.to_complete for m in members] == [["户籍类型", "入会日期"]] * 3


def test_the_member_api_shows_what_to_complete_and_filters_by_it(users, tree, login):
    incomplete = build_member(org=tree.a1, name="待补全", joined_on=None)
    complete = build_member(org=tree.a1, name="完整", hukou_type="urban")
    client = login(users.township_staff)
    detail = client.get(f"/api/v1/members/{incomplete.pk}").json()
    assert (detail["to_complete"], detail["joined_on"], detail["hukou_type"]) == (
        ["户籍类型", "入会日期"],
        None,
        "",
    )
    listed = client.get("/api/v1/members", {"incomplete": "true"}).json()["items"]
    assert [m["id"] for m in listed] == [incomplete.pk]
    listed = client.get("/api/v1/members", {"incomplete": "false"}).json()["items"]
    assert [m["id"] for m in listed] == [complete.pk]


def test_the_incomplete_filter_and_to_complete_agree(tree, enterprise_factory):
    employer = enterprise_factory()
    kinds = {
        "complete": dict(hukou_type="urban"),
        "no hukou": dict(),
        "no joined date": dict(hukou_type="rural", joined_on=None),
        "employer as text": dict(hukou_type="urban", employer_name="某某超市"),
        "linked employer": dict(hukou_type="urban", employer=employer),
    }
    made = {
        label: member_register(
            actor=None,
            org=tree.a1,
            name=label[:10],
            id_number=make_id_number(),
            **{"joined_on": datetime.date(2020, 1, 1), **values},
        )
        for label, values in kinds.items()
    }
    listed = set(Member.objects.filter(member_incomplete_q()).values_list("pk", flat=True))
    assert listed == {m.pk for m in made.values() if m.to_complete}
    assert {label for label, m in made.items() if m.to_complete} == {
        "no hukou",
        "no joined date",
        "employer as text",
    }
    assert made["employer as text"].to_complete == ["工作单位(关联到已登记的用人单位)"]
    assert made["linked employer"].employer_name == ""


def test_linking_an_employer_clears_the_name_kept_as_text(users, tree, enterprise_factory):
    from gonghui.members.services import member_update

    member = build_member(org=tree.a1, hukou_type="urban", employer_name="青禾电子")
    assert member.to_complete == ["工作单位(关联到已登记的用人单位)"]
    employer = enterprise_factory(name="青禾电子科技有限公司")
    member = member_update(actor=users.township_staff, member=member, employer=employer)
    assert (member.employer, member.employer_name, member.to_complete) == (employer, "", [])


def test_the_member_form_accepts_a_blank_hukou_and_joined_date(users, tree, login):
    client = login(users.township_staff)
    number = make_id_number()
    response = client.post(
        reverse("members:create"),
        {
            "org": tree.a1.pk,
            "name": "柜台登记",
            "id_number": number,
            "hukou_type": "",
            "joined_on": "",
            "employer_name": "某某小吃店",
        },
    )
    assert response.status_code == 302
    member = Member.objects.get(name="柜台登记")
    page = client.get(reverse("members:detail", args=[member.pk])).content.decode()
    assert "信息待补全：</strong>户籍类型、入会日期、工作单位(关联到已登记的用人单位)" in page
    assert "某某小吃店 <span" in page


def test_editing_a_member_keeps_the_joined_date_the_form_shows(users, tree, login):
    """The date input shows the stored date (ISO, not zh-hans's 2020/05/01 that a date input
    cannot show), so completing the hukou type does not clear the joined date."""
    member = build_member(org=tree.a1, joined_on=datetime.date(2020, 5, 1))
    client = login(users.township_staff)
    page = client.get(reverse("members:edit", args=[member.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'name="joined_on" value="2020-05-01"' in html
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items() if v is not False}
    data.update(
        hukou_type="rural", joined_on=form["joined_on"].as_widget().split('value="')[1][:10]
    )
    response = client.post(reverse("members:edit", args=[member.pk]), data)
    assert response.status_code == 302, response.content.decode()
    member.refresh_from_db()
    assert (member.hukou_type, member.joined_on, member.to_complete) == (
        "rural",
        datetime.date(2020, 5, 1),
        [],
    )
