"""The workforce create forms show every problem in one round: the form's own (a required
field), the look-up's (an unknown card number) and the service's rules (an apprentice who is
their own master), on one submit, and nothing is written."""

import datetime
import re

import pytest

from gonghui.testing.fixtures import make_user
from gonghui.workforce.competitions.models import Competition, Entry
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations.models import SmallInnovation, Suggestion
from gonghui.workforce.mentorships.models import Ceremony, Mentorship
from gonghui.workforce.pioneers.models import (
    EmployerIncident,
    ExcellentTeam,
    Nomination,
    Team,
    TeamTraining,
)
from gonghui.workforce.pioneers.services import excellent_team_propose, team_create
from gonghui.workforce.studios.models import InnovationStudio
from gonghui.workforce.studios.services import studio_create
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


# --- one test per create/edit form: the form's, the look-up's and the service's errors on
# one submit, every message in Chinese, nothing written ------------------------------------

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = datetime.date.today()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 422
    errors = {name: list(messages) for name, messages in response.context["form"].errors.items()}
    assert all(CJK.search(m) for messages in errors.values() for m in messages), errors
    return errors


def _competition_post(**values) -> dict:
    data = {
        "contest_class": "other",
        "round_rule": "sum",
        "missing_round": "exclude",
        "rounds": "1",
        "score_max": "100",
        "theory_weight": "40",
        "practical_weight": "60",
    }
    data.update(values)
    return data


def test_a_competition_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/competitions/new/",
        _competition_post(
            org=str(tree.county.pk),
            name="",
            kind="skills",
            level="city",  # an upper-level contest: its organiser is required
            starts_on="2026-05-01",
            ends_on="2026-04-01",
            practical_weight="40",  # 40 + 40 is not 100
        ),  # and no trade picked
    )
    errors = _errors(response)
    assert errors["name"] == ["请填写竞赛名称。"]  # the form's
    assert errors["organiser_name"] == ["上级竞赛请填写主办单位。"]  # the service's
    assert errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert errors["practical_weight"] == ["理论与实操成绩权重合计应为 100%。"]
    assert errors["trades"] == ["请至少选择一个工种。"]
    assert not Competition.objects.exists()


def test_a_competition_edit_reports_a_trade_with_entrants_with_the_rest(client, tree, users):
    welding, electric = f.trade("焊工"), f.trade("电工")
    comp = f.competition(tree.county, trades=[welding, electric], name="原名称")
    f.entry(comp, f.member(tree.a1), trade_=welding)
    client.force_login(users.county_staff)
    response = client.post(
        f"/workforce/competitions/{comp.pk}/edit/",
        _competition_post(
            version=str(comp.version),
            org=str(comp.org_id),
            name="",
            kind=comp.kind,
            level=comp.level,
            starts_on=comp.starts_on.isoformat(),
            ends_on=comp.ends_on.isoformat(),
            registration_from=comp.registration_from.isoformat(),
            registration_until=comp.registration_until.isoformat(),
            trades=[str(electric.pk)],  # drops the trade someone entered in
        ),
    )
    errors = _errors(response)
    assert errors["name"] == ["请填写竞赛名称。"]
    assert errors["trades"] == ["已有选手报名的工种不能删除。"]
    comp.refresh_from_db()
    assert comp.name == "原名称" and comp.trades.count() == 2


def test_an_entry_submit_after_the_window_shows_every_error_at_once(client, tree, users):
    comp = f.competition(
        tree.county,
        registration_from=TODAY - datetime.timedelta(days=10),
        registration_until=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(users.county_staff)
    response = client.post(
        f"/workforce/competitions/{comp.pk}/entries/new/",
        {"member": f.member(tree.a1).card_number, "trade": ""},
    )
    errors = _errors(response)
    assert errors["trade"] == ["请选择工种。"]
    assert any("截止" in e for e in errors["__all__"])
    assert not Entry.objects.exists()


def test_a_team_submit_shows_every_error_at_once(client, tree, users):
    employer = f.enterprise(tree.a1)
    team_create(actor=None, enterprise=employer, name="焊接一班", kind="crew")
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/teams/new/",
        {"enterprise": employer.name, "name": "焊接一班", "kind": "", "headcount": "-1"},
    )
    errors = _errors(response)
    assert errors["kind"] == ["请选择类型。"]
    assert errors["headcount"] == ["人数不能为负数。"]
    assert errors["name"] == [f"{employer.name}已有名为“焊接一班”的班组。"]
    assert Team.objects.count() == 1


def test_a_team_edit_shows_every_error_at_once(client, tree, users):
    employer = f.enterprise(tree.a1)
    team_create(actor=None, enterprise=employer, name="焊接一班", kind="crew")
    team = team_create(actor=None, enterprise=employer, name="焊接二班", kind="crew")
    client.force_login(users.county_staff)
    response = client.post(
        f"/workforce/teams/{team.pk}/edit/",
        {"name": "焊接一班", "kind": "crew", "headcount": "很多"},
    )
    errors = _errors(response)
    assert errors["headcount"] == ["人数请填写整数。"]
    assert errors["name"] == [f"{employer.name}已有名为“焊接一班”的班组。"]
    team.refresh_from_db()
    assert team.name == "焊接二班"


def test_an_excellent_team_submit_shows_every_error_at_once(client, tree, users):
    team = team_create(actor=None, enterprise=f.enterprise(tree.a1), name="焊接一班", kind="crew")
    excellent_team_propose(actor=None, team=team, year=TODAY.year)
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/excellent-teams/new/",
        {"team": str(team.pk), "year": str(TODAY.year), "level": "county", "reason": "优" * 301},
    )
    errors = _errors(response)
    assert errors["reason"] == ["推荐理由不能超过 300 个字。"]
    assert errors["team"] == ["该班组本年度已参加同级优秀班组评选。"]
    assert ExcellentTeam.objects.count() == 1


def test_a_training_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/trainings/new/",
        {"org": str(tree.county.pk), "held_on": TOMORROW, "topic": "", "trainer": "张师傅",
         "attendees": "0", "hours": "2"},
    )  # fmt: skip
    errors = _errors(response)
    assert errors["topic"] == ["请填写培训主题。"]
    assert errors["attendees"] == ["参训人数不能小于 1。"]
    assert errors["held_on"] == ["培训日期不能晚于今天。"]
    assert not TeamTraining.objects.exists()


def test_an_incident_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/incidents/new/",
        {"enterprise": "没有这家单位", "kind": "", "occurred_on": TOMORROW, "description": ""},
    )
    errors = _errors(response)
    assert "未找到" in errors["enterprise"][0]
    assert errors["kind"] == ["请选择事项。"]
    assert errors["description"] == ["请填写情况说明。"]
    assert errors["occurred_on"] == ["发生日期不能晚于今天。"]
    assert not EmployerIncident.objects.exists()


def test_a_studio_submit_shows_every_error_at_once(client, tree, users):
    employer = f.enterprise(tree.a1)
    studio_create(
        actor=None, lead=f.member(tree.a1), host=employer, name="焊接创新工作室",
        kind="staff", founded_on=TODAY,
    )  # fmt: skip
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/studios/new/",
        {"name": "焊接创新工作室", "kind": "", "lead": "999999999999999",
         "host": employer.name, "founded_on": TOMORROW},
    )  # fmt: skip
    errors = _errors(response)
    assert "未找到" in errors["lead"][0]  # the look-up's
    assert errors["kind"] == ["请选择类型。"]  # the form's
    assert errors["name"] == [f"{employer.name}已有名为“焊接创新工作室”的工作室。"]  # the service's
    assert errors["founded_on"] == ["成立日期不能晚于今天。"]
    assert InnovationStudio.objects.count() == 1


def test_a_studio_edit_shows_every_error_at_once_and_saves_when_corrected(client, tree, users):
    employer, lead = f.enterprise(tree.a1), f.member(tree.a1, name="领衔人甲")
    studio_create(
        actor=None, lead=lead, host=employer, name="焊接创新工作室", kind="staff", founded_on=TODAY
    )
    studio = studio_create(
        actor=None, lead=lead, host=employer, name="电工创新工作室", kind="staff", founded_on=TODAY
    )
    client.force_login(users.county_staff)
    url = f"/workforce/studios/{studio.pk}/edit/"
    page = client.get(url).content.decode()
    assert "领衔人甲" in page and employer.name in page  # shown, not editable
    response = client.post(
        url, {"name": "焊接创新工作室", "kind": "", "founded_on": TOMORROW, "funds": "-5"}
    )
    errors = _errors(response)
    assert errors["kind"] == ["请选择类型。"]
    assert errors["funds"] == ["年度经费不能为负数。"]
    assert errors["name"] == [f"{employer.name}已有名为“焊接创新工作室”的工作室。"]
    assert errors["founded_on"] == ["成立日期不能晚于今天。"]
    studio.refresh_from_db()
    assert (studio.name, studio.kind) == ("电工创新工作室", "staff")
    saved = client.post(
        url,
        {"name": "电工创新工作室", "kind": "craftsman", "founded_on": TODAY.isoformat(),
         "site": "二楼实训室", "funds": "20000"},
    )  # fmt: skip
    assert saved.status_code == 302
    studio.refresh_from_db()
    assert (studio.kind, studio.site, studio.lead_id) == ("craftsman", "二楼实训室", lead.pk)


def test_a_ceremony_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/mentorships/ceremonies/new/",
        {"org": str(tree.county.pk), "name": "", "held_on": "去年", "place": "礼" * 151},
    )
    errors = _errors(response)
    assert errors["name"] == ["请填写仪式名称。"]
    assert errors["held_on"] == ["举行日期请填写正确的日期，如 2026-03-05。"]
    assert errors["place"] == ["地点不能超过 150 个字。"]
    assert not Ceremony.objects.exists()


def test_an_innovation_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/innovations/new/",
        {"category": "", "title": "焊枪改进", "member": "", "team": "", "year": "1999",
         "description": "太短"},
    )  # fmt: skip
    errors = _errors(response)
    assert errors["category"] == ["请选择类别。"]  # the form's
    assert errors["year"] == ["年度不能小于 2000。"]
    assert errors["member"] == ["请选择完成人或完成班组。"]  # the service's
    assert errors["description"] == ["成果简介至少填写 10 个字。"]
    assert not SmallInnovation.objects.exists()


def test_a_suggestion_submit_shows_every_error_at_once(client, tree, users):
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/innovations/suggestions/new/",
        {"member": "999999999999999", "title": "", "content": "太短", "year": str(TODAY.year)},
    )
    errors = _errors(response)
    assert "未找到" in errors["member"][0]
    assert errors["title"] == ["请填写建议标题。"]
    assert errors["content"] == ["建议内容至少填写 10 个字。"]
    assert not Suggestion.objects.exists()


def test_an_honour_submit_shows_every_error_at_once(client, tree, users):
    person, employer = f.member(tree.a1), f.enterprise(tree.a1)
    client.force_login(users.county_staff)
    response = client.post(
        "/workforce/honours/new/",
        {"kind": "", "name": "五一劳动奖章", "level": "county", "awarded_on": TOMORROW,
         "member": person.card_number, "enterprise": employer.name},
    )  # fmt: skip
    errors = _errors(response)
    assert errors["kind"] == ["请选择类别。"]
    assert errors["awarded_on"] == ["授予日期不能晚于今天。"]
    assert errors["member"] == ["请选择获得荣誉的个人、班组或单位(三者选一)。"]
    assert not Honour.objects.exists()
