"""Competition pages posted as a browser would: the score sheet (a refused sheet shows every
problem and saves nothing; the sheet the refusal re-rendered, corrected and posted again,
saves and ranks) and the edit page's version (an edit opened before someone else's save
stays refused until reloaded)."""

import html.parser
from decimal import Decimal

import pytest

from gonghui.workforce.competitions import services
from gonghui.workforce.competitions.models import Entry, Score
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db


class _SheetForm(html.parser.HTMLParser):
    """What a browser would post from the page's score-sheet form: every named input
    (a checkbox only when checked)."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "score-sheet"
        elif tag == "input" and self.inside and attrs.get("name"):
            if attrs.get("type") == "checkbox" and "checked" not in attrs:
                return
            self.values[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def _sheet(response) -> dict[str, str]:
    parser = _SheetForm()
    parser.feed(response.content.decode())
    return parser.values


def test_a_refused_sheet_then_the_corrected_resubmission_saves(client, tree, users):
    comp = f.competition(tree.county)
    a, b = f.entry(comp, f.member(tree.a1, name="甲")), f.entry(comp, f.member(tree.b1, name="乙"))
    url = f"/workforce/competitions/{comp.pk}/scores/"
    client.force_login(users.county_admin)
    sheet = _sheet(client.get(url))
    sheet |= {f"t-{a.pk}": "90", f"p-{a.pk}": "95", f"t-{b.pk}": "88", f"p-{b.pk}": "101"}
    # given a sheet with a score over the maximum: refused, named, nothing saved
    refused = client.post(url, sheet)
    assert refused.status_code == 422
    assert "乙的实操成绩应在 0 到 100 之间。" in refused.content.decode()
    assert not Score.objects.exists()
    # when the re-rendered sheet is corrected and posted again
    again = _sheet(refused)
    assert again[f"p-{b.pk}"] == "101" and again[f"t-{a.pk}"] == "90"  # what was typed stays
    again[f"p-{b.pk}"] = "80"
    saved = client.post(url, again)
    # then it is saved and ranked, and the sheet it returns to says so
    assert saved.status_code == 302
    ranked = {e.pk: (e.total, e.rank) for e in Entry.objects.filter(competition=comp)}
    assert ranked == {a.pk: (Decimal("93.00"), 1), b.pk: (Decimal("83.20"), 2)}
    page = client.get(saved["Location"]).content.decode()
    assert "已保存第 1 轮焊工成绩(2 条变更)" in page
    assert "成绩有误" not in page


class _EditForm(html.parser.HTMLParser):
    """The edit page's hidden version field, as the page renders it."""

    def __init__(self):
        super().__init__()
        self.version = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "version":
            self.version = attrs.get("value")


def _version(response) -> str | None:
    parser = _EditForm()
    parser.feed(response.content.decode())
    return parser.version


def test_an_edit_opened_before_someone_elses_save_stays_refused_until_reloaded(client, tree, users):
    comp = f.competition(tree.county, name="原名称")
    url = f"/workforce/competitions/{comp.pk}/edit/"
    client.force_login(users.county_admin)
    opened = _version(client.get(url))
    assert opened == str(comp.version)
    # given someone else saves meanwhile
    services.competition_update(actor=users.county_staff, competition=comp, name="他人改的名称")
    posted = {
        "version": opened,
        "org": str(comp.org_id),
        "name": "我的名称",
        "kind": comp.kind,
        "level": comp.level,
        "contest_class": comp.contest_class,
        "starts_on": comp.starts_on.isoformat(),
        "ends_on": comp.ends_on.isoformat(),
        "registration_from": comp.registration_from.isoformat(),
        "registration_until": comp.registration_until.isoformat(),
        "trades": [str(t.pk) for t in comp.trades.all()],
        "theory_weight": "40",
        "practical_weight": "60",
        "rounds": "1",
        "round_rule": comp.round_rule,
        "missing_round": comp.missing_round,
        "score_max": "100",
    }
    # when the page opened before it is saved: refused, saying why
    refused = client.post(url, posted)
    assert refused.status_code == 422
    assert "已被他人修改" in refused.content.decode()
    # then the refused page still carries the version it was opened at, so saving it
    # again does not overwrite the other change either
    assert _version(refused) == opened
    again = client.post(url, posted | {"version": _version(refused)})
    assert again.status_code == 422
    comp.refresh_from_db()
    assert comp.name == "他人改的名称"
