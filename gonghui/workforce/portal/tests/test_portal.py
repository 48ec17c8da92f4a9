"""The worker's workforce pages on the portal: identification by ID number + phone, the
competitions open to the member and registering (waiting list included), the member's own
ledger, 五小 and 合理化建议 submissions. Anonymous throughout (no staff login)."""

import datetime

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.workforce.choices import Channel
from gonghui.workforce.competitions.models import CompetitionStatus, Entry, EntryStatus, Quota
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations.models import SmallInnovation, Suggestion
from gonghui.workforce.portal.views import SESSION_KEY
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
HOME = "/portal/workforce/"


def _identify(client, person, next_page=""):
    url = HOME + (f"?next={next_page}" if next_page else "")
    return client.post(url, {"id_number": person.id_number, "phone": person.phone})


def _open(org, **fields):
    return f.competition(org, status=CompetitionStatus.APPROVED, portal_open=True, **fields)


def test_the_portal_home_lists_the_workforce_tiles(client):
    page = client.get("/portal/").content.decode()
    assert "/portal/workforce/" in page and "/portal/workforce/innovations/new/" in page


def test_identify_needs_id_number_and_the_members_own_phone(client, tree):
    person = f.member(tree.a1)
    wrong = client.post(HOME, {"id_number": person.id_number, "phone": "13900000000"})
    assert wrong.status_code == 404 and "未找到" in wrong.content.decode()
    assert SESSION_KEY not in client.session
    both_bad = client.post(HOME, {"id_number": "123", "phone": "12"})
    errors = both_bad.context["form"].errors
    assert both_bad.status_code == 422 and {"id_number", "phone"} <= set(errors)
    assert _identify(client, person).status_code == 302
    assert client.session[SESSION_KEY]["pk"] == person.pk


def test_the_member_sees_competitions_open_to_their_union_only(client, tree):
    person = f.member(tree.a1)
    mine = _open(tree.county, name="县焊工技能大赛")
    _open(tree.b, name="乙镇岗位练兵")  # another township's: not the member's
    f.competition(tree.county, status=CompetitionStatus.APPROVED, name="不开放手机报名的竞赛")
    _identify(client, person)
    page = client.get(HOME)
    assert [c.pk for c in page.context["competitions"]] == [mine.pk]
    body = page.content.decode()
    assert person.name in body and person.id_number not in body  # masked
    assert client.get(f"{HOME}competitions/{mine.pk}/").status_code == 200


def test_registering_on_the_portal_writes_a_portal_entry_and_refuses_a_second(client, tree):
    person = f.member(tree.a1)
    comp = _open(tree.county)
    trade = comp.trades.get()
    _identify(client, person)
    url = f"{HOME}competitions/{comp.pk}/"
    done = client.post(url, {"trade": trade.pk}, follow=True)
    entry = Entry.objects.get(member=person)
    assert (entry.channel, entry.status) == (Channel.PORTAL, EntryStatus.REGISTERED)
    assert "已报名" in done.content.decode()
    assert done.context["entered"] == {comp.pk}  # the list marks it
    assert AuditEvent.objects.filter(object_id=str(entry.pk)).exists()
    again = client.post(url, {"trade": trade.pk})
    assert again.status_code == 422 and "不能重复报名" in again.content.decode()
    assert Entry.objects.filter(member=person).count() == 1


def test_over_the_quota_the_member_goes_on_the_waiting_list_and_is_told(client, tree):
    comp = _open(tree.county)
    Quota.objects.create(competition=comp, org=tree.a, places=1)
    f.entry(comp, f.member(tree.a1))
    person = f.member(tree.a1)
    _identify(client, person)
    done = client.post(
        f"{HOME}competitions/{comp.pk}/", {"trade": comp.trades.get().pk}, follow=True
    )
    assert Entry.objects.get(member=person).status == EntryStatus.WAITING
    body = done.content.decode()
    assert "候补名单(第 1 位)" in body and "候补第 1 位" in body


def test_a_closed_window_is_not_open_on_the_portal(client, tree):
    person = f.member(tree.a1)
    today = datetime.date.today()
    closed = _open(
        tree.county,
        registration_from=today - datetime.timedelta(days=9),
        registration_until=today - datetime.timedelta(days=1),
    )
    _identify(client, person)
    page = client.post(f"{HOME}competitions/{closed.pk}/", {"trade": closed.trades.get().pk})
    assert page.status_code == 404
    assert not Entry.objects.exists()


def test_pages_need_identification_first_and_come_back_after_it(client, tree):
    person = f.member(tree.a1)
    first = client.get(f"{HOME}honours/")
    assert first.status_code == 302 and first["Location"] == f"{HOME}?next=honours"
    back = _identify(client, person, next_page="honours")
    assert back["Location"] == f"{HOME}honours/"
    client.post(f"{HOME}leave/")
    assert client.get(f"{HOME}innovations/new/")["Location"] == f"{HOME}?next=innovation"


def test_the_ledger_shows_own_honours_but_not_revoked_ones(client, tree):
    person = f.member(tree.a1)
    today = datetime.date.today()
    common = dict(org=person.org, member=person, awarded_on=today, year=today.year)
    Honour.objects.create(name="县级技术能手", kind="title", level="county", **common)
    Honour.objects.create(name="已撤销的荣誉", kind="title", level="county", revoked=True, **common)
    _identify(client, person)
    body = client.get(f"{HOME}honours/").content.decode()
    assert "县级技术能手" in body and "已撤销的荣誉" not in body


def test_a_five_small_idea_shows_every_problem_at_once_then_submits(client, tree):
    person = f.member(tree.a1)
    _identify(client, person)
    url = f"{HOME}innovations/new/"
    bad = client.post(url, {"category": "invention", "title": "", "description": "短"})
    errors = bad.context["form"].errors
    assert bad.status_code == 422
    # The form's own (title, the two questions) and the service's (description too short).
    assert {"title", "funded_by_science_plan", "awarded_elsewhere", "description"} <= set(errors)
    assert not SmallInnovation.objects.exists()
    good = {
        "category": "renovation",
        "title": "焊枪支架小改造",
        "description": "改进焊枪支架，减少换枪时间，提高效率。",
        "claimed_benefit": "12000",
        "funded_by_science_plan": "no",
        "awarded_elsewhere": "no",
    }
    assert client.post(url, good)["Location"] == f"{HOME}honours/"
    item = SmallInnovation.objects.get()
    assert (item.member, item.channel, item.category) == (person, Channel.PORTAL, "renovation")


def test_a_suggestion_from_the_phone(client, tree):
    person = f.member(tree.a1)
    _identify(client, person)
    url = f"{HOME}suggestions/new/"
    bad = client.post(url, {"title": "", "content": "太短"})
    assert bad.status_code == 422 and {"title", "content"} <= set(bad.context["form"].errors)
    client.post(url, {"title": "仓库照明改造", "content": "仓库照明改为感应灯，夜间节约用电。"})
    assert Suggestion.objects.get().channel == Channel.PORTAL
    assert "仓库照明改造" in client.get(f"{HOME}honours/").content.decode()
