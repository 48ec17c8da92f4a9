"""The workforce statistics: per org through the registered measures (the same figures the
plans count), and breakdowns by level, trade, studio level and 五小 category that add up to
those measures' totals (tests/test_stats.py checks they agree)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from gonghui.core.metrics import Period, measure_evaluate, measure_get
from gonghui.core.modules import Action
from gonghui.core.scope import scope_q, scope_roots
from gonghui.orgs.models import Org, OrgStatus
from gonghui.workforce.choices import MODULE, UPPER_LEVELS, ContestLevel
from gonghui.workforce.competitions.models import (
    HELD_STATUSES,
    Competition,
    CompetitionKind,
    Entry,
    EntryStatus,
    Trade,
)
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.innovations.models import (
    InnovationCategory,
    InnovationStatus,
    SmallInnovation,
)
from gonghui.workforce.studios.models import InnovationStudio, StudioLevel, StudioStatus

# The per-org table: measure code → column header.
ORG_MEASURES = (
    ("workforce.competitions.held", "举办竞赛(场)"),
    ("workforce.competitions.entrants", "参赛(人次)"),
    ("workforce.competitions.titles", "获得称号(人次)"),
    ("workforce.team_trainings.held", "班组培训(场)"),
    ("workforce.excellent_teams", "优秀班组(个)"),
    ("workforce.pioneer_teams", "工人先锋号(个)"),
    ("workforce.studios.new", "新命名工作室(个)"),
    ("workforce.mentorships.signed", "师徒结对(对)"),
    ("workforce.innovations.submitted", "五小成果(项)"),
    ("workforce.innovations.benefit", "申报效益(元)"),
    ("workforce.innovations.suggestions", "合理化建议(条)"),
)


@dataclass
class OrgRow:
    name: str
    code: str
    values: list
    own_only: bool = False
    is_total: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(self.values)


@dataclass
class Stats:
    year: int
    headers: list[str]
    rows: list[OrgRow]
    by_level: list[dict] = field(default_factory=list)
    by_trade: list[dict] = field(default_factory=list)
    studios_by_level: list[dict] = field(default_factory=list)
    innovations_by_category: list[dict] = field(default_factory=list)
    level: str = ""
    trade: int | None = None


def _rows_orgs(user) -> tuple[list[Org], list[Org]]:
    """(scope roots, the active children of each root) in org-code order."""
    roots = [Org.objects.get(pk=r.org_id) for r in scope_roots(user, MODULE, Action.VIEW)]
    children = list(Org.objects.filter(parent__in=roots, status=OrgStatus.ACTIVE).order_by("code"))
    return roots, children


def _period(year: int) -> Period:
    return Period.year(year)


def _within(user, path_field: str) -> Q:
    return scope_q([r.path for r in scope_roots(user, MODULE, Action.VIEW)], path_field)


def org_table(user, year: int) -> tuple[list[str], list[OrgRow]]:
    roots, children = _rows_orgs(user)
    orgs = [*roots, *children]
    period = _period(year)
    figures = {
        code: measure_evaluate(user, code, orgs=orgs, period=period) for code, _ in ORG_MEASURES
    }
    rows = []
    for root in roots:
        own = [c for c in children if c.parent_id == root.pk]
        for child in own:
            rows.append(
                OrgRow(
                    child.name, child.code, [figures[c][child.pk].value for c, _ in ORG_MEASURES]
                )
            )
        direct = [
            figures[c][root.pk].value - sum((figures[c][x.pk].value for x in own), 0)
            for c, _ in ORG_MEASURES
        ]
        rows.insert(0, OrgRow(f"{root.name}(本级)", root.code, direct, own_only=True))
    total = [sum((figures[c][r.pk].value for r in roots), 0) for c, _ in ORG_MEASURES]
    from gonghui.core.reports import report_order

    ordered = report_order(rows, is_empty=lambda r: r.is_empty)
    ordered.append(OrgRow("合计", "", total, is_total=True))
    return [label for _c, label in ORG_MEASURES], ordered


def _held_in_year(user, year: int):
    return Competition.objects.filter(
        _within(user, "org__path"), status__in=HELD_STATUSES, starts_on__year=year
    )


def by_level(user, year: int, *, trade: int | None = None) -> list[dict]:
    """Competitions held and entrants by level (upper levels: recorded contests, entrants
    only). With `trade`, only competitions with that trade and their entrants in it."""
    comps = _held_in_year(user, year)
    if trade:
        comps = comps.filter(trades__id=trade)
    held = dict(
        comps.exclude(level__in=UPPER_LEVELS)
        .values_list("level")
        .annotate(n=Count("id", distinct=True))
    )
    entries = Entry.objects.filter(
        _within(user, "org__path"),
        status=EntryStatus.REGISTERED,
        competition__status__in=HELD_STATUSES,
        competition__starts_on__year=year,
    )
    if trade:
        entries = entries.filter(trade_id=trade)
    entrants = dict(entries.values_list("competition__level").annotate(n=Count("id")))
    return [
        {"level": label, "code": code, "held": held.get(code, 0), "entrants": entrants.get(code, 0)}
        for code, label in ContestLevel.choices
    ]


def by_trade(user, year: int, *, level: str = "") -> list[dict]:
    """Per trade: competitions (held, incl. recorded upper-level ones), entrants, ranked,
    titles awarded."""
    entries = Entry.objects.filter(
        _within(user, "org__path"),
        status=EntryStatus.REGISTERED,
        competition__status__in=HELD_STATUSES,
        competition__starts_on__year=year,
    )
    if level:
        entries = entries.filter(competition__level=level)
    counts = {
        row["trade_id"]: row
        for row in entries.values("trade_id").annotate(
            competitions=Count("competition_id", distinct=True),
            entrants=Count("id"),
            ranked=Count("id", filter=Q(rank__isnull=False)),
        )
    }
    honours = Honour.objects.filter(
        _within(user, "org__path"), kind=HonourKind.TITLE, revoked=False, awarded_on__year=year
    )
    if level:
        honours = honours.filter(level=level)
    titles = dict(honours.values_list("trade_id").annotate(n=Count("id")))
    names = dict(Trade.objects.filter(pk__in=set(counts) | set(titles)).values_list("pk", "name"))
    rows = [
        {
            "trade": names.get(pk, "—"),
            "competitions": counts.get(pk, {}).get("competitions", 0),
            "entrants": counts.get(pk, {}).get("entrants", 0),
            "ranked": counts.get(pk, {}).get("ranked", 0),
            "titles": titles.get(pk, 0),
        }
        for pk in set(counts) | set(titles)
    ]
    return sorted(rows, key=lambda r: (-r["entrants"], r["trade"]))


def studios_by_level(user, year: int) -> list[dict]:
    """Named studios (as of the year's end) by level."""
    rows = dict(
        InnovationStudio.objects.filter(
            _within(user, "org__path"), status=StudioStatus.NAMED, named_on__year__lte=year
        )
        .values_list("level")
        .annotate(n=Count("id"))
    )
    return [
        {"level": label, "code": code, "named": rows.get(code, 0)}
        for code, label in StudioLevel.choices
        if code != StudioLevel.NONE
    ]


def innovations_by_category(user, year: int) -> list[dict]:
    """Per category: results submitted in the year (and their claimed benefit), and results
    awarded in the year (by decision date, as the measure counts: a result submitted last
    year and awarded this year is this year's award)."""
    submitted = Q(submitted_at__year=year)
    awarded = Q(status=InnovationStatus.AWARDED, decided_on__year=year)
    rows = {
        r["category"]: r
        for r in SmallInnovation.objects.filter(_within(user, "org__path"))
        .filter(submitted | awarded)
        .values("category")
        .annotate(
            n=Count("id", filter=submitted),
            awarded=Count("id", filter=awarded),
            benefit=Sum("claimed_benefit", filter=submitted),
        )
    }
    return [
        {
            "category": label,
            "n": rows.get(code, {}).get("n", 0),
            "awarded": rows.get(code, {}).get("awarded", 0),
            "benefit": rows.get(code, {}).get("benefit") or Decimal(0),
        }
        for code, label in InnovationCategory.choices
    ]


def workforce_stats(user, *, year: int, level: str = "", trade: int | None = None) -> Stats:
    headers, rows = org_table(user, year)
    return Stats(
        year=year,
        headers=headers,
        rows=rows,
        by_level=by_level(user, year, trade=trade),
        by_trade=by_trade(user, year, level=level),
        studios_by_level=studios_by_level(user, year),
        innovations_by_category=innovations_by_category(user, year),
        level=level,
        trade=trade,
    )


def measure_rules() -> list[tuple[str, str, str]]:
    """(name, unit, rule) of the measures the per-org table shows, for its footnote."""
    result = []
    for code, _label in ORG_MEASURES:
        measure = measure_get(code)
        result.append((measure.name, measure.unit, measure.rule))
    return result


def skills_kind() -> str:
    return CompetitionKind.SKILLS
