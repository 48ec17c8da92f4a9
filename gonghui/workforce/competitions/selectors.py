"""Reads for competitions, through the user's scope.

Who sees a competition: staff whose scope holds its organiser; and, once it is approved,
staff below the organiser (a county contest is open to the townships and unions in the
county: they register their workers and see their own entrants' results). Who sees an
entry: whoever sees its competition's organiser (the organiser's staff see every entrant);
others see the entries in their own scope.
"""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import in_dates, in_subtree, org_in_scope, scope_queryset, scope_roots
from gonghui.workforce.choices import MODULE, UPPER_LEVELS, ContestLevel
from gonghui.workforce.competitions.models import (
    HELD_STATUSES,
    Award,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    EntryStatus,
    ProjectDimension,
    ProjectParticipant,
    ProjectScore,
    Quota,
    Score,
    Title,
    TitleRule,
    Trade,
)

# Statuses in which a competition shows to the unions below its organiser.
OPEN_TO_AREA = (
    CompetitionStatus.APPROVED,
    CompetitionStatus.RUNNING,
    CompetitionStatus.SUMMARY,
    CompetitionStatus.COMMENDED,
)


def _ancestor_ids(user, action: str) -> set[int]:
    ids: set[int] = set()
    for root in scope_roots(user, MODULE, action):
        ids.update(int(part) for part in root.path.strip("/").split("/")[:-1] if part)
    return ids


def competition_scoped(user, action: str = Action.VIEW) -> QuerySet[Competition]:
    """Competitions organised in the user's scope (what they may act on)."""
    return scope_queryset(Competition.objects.all(), user, MODULE, action)


def competition_visible(user) -> QuerySet[Competition]:
    """Competitions the user may open: organised in their scope, or approved ones of an
    organiser above them."""
    own = competition_scoped(user, Action.VIEW).values("pk")
    above = _ancestor_ids(user, Action.VIEW)
    q = Q(pk__in=own)
    if above:
        q |= Q(org_id__in=above, status__in=OPEN_TO_AREA)
    return Competition.objects.filter(q)


# A status choice beyond CompetitionStatus: the competitions workforce.competitions.held counts.
HELD_FILTER = ("held", "已开赛(不含市级及以上)")


def competition_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    level: str = "",
    status: str = "",
    year: int | None = None,
    trade: int | None = None,
    org=None,
    date_from=None,
    date_to=None,
) -> QuerySet[Competition]:
    """`org`: the competitions organised in its subtree (a figure's drill-down); `status`
    "held": started (HELD_STATUSES), recorded city-and-above ones left out — what
    workforce.competitions.held counts; `date_from`/`date_to`: starting on those days
    (`starts_on`, the measure's date; `year` is the competition's own year field)."""
    rows = in_subtree(competition_visible(user), org).select_related("org")
    if q:
        rows = rows.filter(Q(name__icontains=q) | Q(code__iexact=q) | Q(theme__icontains=q))
    if kind:
        rows = rows.filter(kind=kind)
    if level:
        rows = rows.filter(level=level)
    if status == HELD_FILTER[0]:
        rows = rows.filter(status__in=HELD_STATUSES).exclude(level__in=UPPER_LEVELS)
    elif status:
        rows = rows.filter(status=status)
    rows = in_dates(rows, "starts_on", date_from, date_to)
    if year:
        rows = rows.filter(year=year)
    if trade:
        rows = rows.filter(trades__id=trade)
    return rows.order_by("-starts_on", "-id")


def competition_get(user, pk, action: str = Action.VIEW) -> Competition:
    """One competition: for view, any the user may open; for other actions, one organised
    in the user's scope for that action. 404 otherwise."""
    queryset = (
        competition_visible(user) if action == Action.VIEW else competition_scoped(user, action)
    )
    try:
        return queryset.select_related("org", "county").get(pk=pk)
    except (Competition.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def organiser_view(user, competition: Competition) -> bool:
    """The user sees the organiser (and so every entrant)."""
    return org_in_scope(user, MODULE, Action.VIEW, competition.org)


def entries_visible(user, competition: Competition) -> QuerySet[Entry]:
    rows = Entry.objects.filter(competition=competition)
    if not organiser_view(user, competition):
        rows = scope_queryset(rows, user, MODULE, Action.VIEW)
    return rows


def entry_scoped(user, action: str = Action.VIEW) -> QuerySet[Entry]:
    return scope_queryset(Entry.objects.all(), user, MODULE, action)


def entry_get(user, pk, action: str = Action.EDIT) -> Entry:
    """An entry the user may act on (its union in scope), or the organiser's staff."""
    try:
        entry = Entry.objects.select_related("competition__org", "member", "trade", "org").get(
            pk=pk
        )
    except (Entry.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    if org_in_scope(user, MODULE, action, entry.org) or org_in_scope(
        user, MODULE, action, entry.competition.org
    ):
        return entry
    raise Http404


def competition_trades(competition: Competition) -> list[Trade]:
    return list(competition.trades.order_by("name"))


def results_by_trade(user, competition: Competition, *, trade_id: int | None = None) -> list[dict]:
    """Per trade: the entrants the user may see, ranked first (rank, then name), then the
    unranked with the reason, then the waiting list; with each entry's awards and scores.

    Three queries however many entrants: entries (with member, org, employer), awards,
    scores."""
    trades = competition_trades(competition)
    if trade_id is not None:
        trades = [t for t in trades if t.pk == trade_id]
    entries = list(
        entries_visible(user, competition)
        .filter(trade_id__in=[t.pk for t in trades])
        .exclude(status=EntryStatus.WITHDRAWN)
        .select_related("member", "org", "employer")
    )
    ids = [e.pk for e in entries]
    awards: dict[int, list[Award]] = defaultdict(list)
    for award in Award.objects.filter(entry_id__in=ids).select_related("title").order_by("id"):
        awards[award.entry_id].append(award)
    scores: dict[int, dict[int, Score]] = defaultdict(dict)
    for score in Score.objects.filter(entry_id__in=ids):
        scores[score.entry_id][score.round] = score
    rounds = list(range(1, competition.rounds + 1))
    by_trade: dict[int, list] = defaultdict(list)
    for entry in entries:
        entry.award_list = awards.get(entry.pk, [])
        entry.round_scores = [scores[entry.pk].get(r) for r in rounds]
        entry.missing_note = _missing_note(competition, entry)
        by_trade[entry.trade_id].append(entry)

    def order(entry):
        return (
            entry.status != EntryStatus.REGISTERED,
            entry.rank is None,
            entry.rank or 0,
            entry.registered_at,
            entry.pk,
        )

    result = []
    for trade in trades:
        rows = sorted(by_trade.get(trade.pk, []), key=order)
        tied = _tied_ranks(rows)
        for row in rows:
            row.is_tied = row.rank in tied
        result.append(
            {
                "trade": trade,
                "entries": rows,
                "registered": sum(1 for r in rows if r.status == EntryStatus.REGISTERED),
                "waiting": sum(1 for r in rows if r.status == EntryStatus.WAITING),
                "ranked": sum(1 for r in rows if r.rank is not None),
            }
        )
    return result


def _tied_ranks(rows) -> set[int]:
    seen: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.rank is not None:
            seen[row.rank] += 1
    return {rank for rank, count in seen.items() if count > 1}


def _missing_note(competition: Competition, entry: Entry) -> str:
    """Why a registered entrant has no rank, in the words the results page shows."""
    if entry.status != EntryStatus.REGISTERED or entry.rank is not None:
        return ""
    if entry.rounds_scored == 0:
        return "暂无成绩"
    if competition.round_rule == "last":
        return "未参加最后一轮(决赛)，不参与排名"
    missing = competition.rounds - entry.rounds_scored
    return f"缺少 {missing} 轮成绩(缺赛)，不参与排名"


def covers(competition: Competition, org) -> bool:
    """Whether members of `org` may enter: within the organiser's area (a system-level
    contest: within its county)."""
    area = competition.org
    if competition.level == ContestLevel.SYSTEM and competition.county_id:
        area = competition.county
    return org.path.startswith(area.path)


def quota_usage(competition: Competition) -> QuerySet[Quota]:
    """The competition's quotas, each annotated with `taken`: the registered entries of its
    org's subtree (in its trade, or in any trade when it has none), counted in one grouped
    query."""
    entries = "competition__entries"
    counted = Q(
        **{
            f"{entries}__status": EntryStatus.REGISTERED,
            f"{entries}__org__path__startswith": F("org__path"),
        }
    ) & (Q(trade__isnull=True) | Q(**{f"{entries}__trade_id": F("trade_id")}))
    return (
        Quota.objects.filter(competition=competition)
        .select_related("org", "trade")
        .annotate(taken=Count(entries, filter=counted))
    )


def quotas_of(competition: Competition) -> list[dict]:
    """Each quota with the places taken."""
    return [{"quota": quota, "taken": quota.taken} for quota in quota_usage(competition)]


def waiting_list(user, competition: Competition) -> list[Entry]:
    return list(
        entries_visible(user, competition)
        .filter(status=EntryStatus.WAITING)
        .select_related("member", "trade", "org")
        .order_by("registered_at", "id")
    )


def competitions_open_for_registration(user, day) -> QuerySet[Competition]:
    """Competitions whose registration window is open on `day` that the user may see."""
    return (
        competition_visible(user)
        .filter(
            status__in=(CompetitionStatus.APPROVED, CompetitionStatus.RUNNING),
            registration_from__lte=day,
            registration_until__gte=day,
        )
        .exclude(kind=CompetitionKind.PROJECT)
    )


def portal_competitions(member, day) -> list[Competition]:
    """What a member may register for on the portal today: open for portal registration,
    window open, and covering the member's union."""
    rows = (
        Competition.objects.filter(
            portal_open=True,
            status__in=(CompetitionStatus.APPROVED, CompetitionStatus.RUNNING),
            registration_from__lte=day,
            registration_until__gte=day,
        )
        .select_related("org", "county")
        .prefetch_related(Prefetch("trades", queryset=Trade.objects.order_by("name")))
        .order_by("registration_until", "id")
    )
    return [c for c in rows if covers(c, member.org)]


def member_entries(member) -> QuerySet[Entry]:
    return (
        Entry.objects.filter(member=member)
        .select_related("competition", "trade")
        .order_by("-competition__starts_on", "-id")
    )


def title_choices() -> QuerySet[Title]:
    return Title.objects.filter(is_active=True)


def titles_all() -> QuerySet[Title]:
    """Every title, retired ones too (the county settings page lists them all)."""
    return Title.objects.all()


def title_find(pk) -> Title | None:
    return Title.objects.filter(pk=pk).first() if pk is not None else None


def title_rule_find(county, pk) -> TitleRule | None:
    """One of the county's title rules, or None."""
    return TitleRule.objects.filter(pk=pk, org=county).first() if pk is not None else None


def trade_choices() -> QuerySet[Trade]:
    return Trade.objects.filter(is_active=True).order_by("name")


def title_rules(county) -> QuerySet[TitleRule]:
    return (
        TitleRule.objects.filter(org=county)
        .select_related("title")
        .order_by("-is_active", "level", "rank_from", "id")
    )


def project_standings(user, competition: Competition) -> list[dict]:
    """Participants of a project competition with their scores per period and dimension,
    the mean per period and overall, ranked by the overall mean (ties share the rank)."""
    participants = list(
        scope_or_all(user, competition, ProjectParticipant.objects.filter(competition=competition))
        .select_related("enterprise")
        .order_by("id")
    )
    scores: dict[int, list[ProjectScore]] = defaultdict(list)
    for score in ProjectScore.objects.filter(participant__in=participants).order_by(
        "period", "dimension"
    ):
        scores[score.participant_id].append(score)
    labels = dict(ProjectDimension.choices)
    rows = []
    for participant in participants:
        own = scores.get(participant.pk, [])
        periods: dict = defaultdict(dict)
        for score in own:
            periods[score.period][score.dimension] = score.score
        mean = (
            (sum((s.score for s in own), Decimal(0)) / len(own)).quantize(Decimal("0.01"))
            if own
            else None
        )
        rows.append(
            {
                "participant": participant,
                "periods": [
                    {
                        "period": period,
                        "items": [(labels[d], v) for d, v in values.items()],
                        "scores": dict(values),
                        "mean": (sum(values.values(), Decimal(0)) / len(values)).quantize(
                            Decimal("0.01")
                        ),
                    }
                    for period, values in sorted(periods.items())
                ],
                "mean": mean,
            }
        )
    ranked = sorted((r for r in rows if r["mean"] is not None), key=lambda r: -r["mean"])
    previous, place = None, 0
    for index, row in enumerate(ranked, start=1):
        if row["mean"] != previous:
            place, previous = index, row["mean"]
        row["rank"] = place
    for row in rows:
        row.setdefault("rank", None)
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0))


def participant_get(user, pk, action: str = Action.EDIT) -> ProjectParticipant:
    """A project competition's participant, for the organiser's staff (`action` over the
    competition's org); 404 otherwise."""
    participant = (
        ProjectParticipant.objects.select_related("competition__org", "enterprise")
        .filter(pk=pk)
        .first()
    )
    if participant is None or not org_in_scope(user, MODULE, action, participant.competition.org):
        raise Http404
    return participant


def award_get(user, pk, action: str = Action.APPROVE) -> Award:
    """An award of an entry, for the organiser's staff (`action` over the competition's
    org); 404 otherwise."""
    award = (
        Award.objects.select_related("entry__competition__org", "entry__org", "title")
        .filter(pk=pk)
        .first()
    )
    if award is None or not org_in_scope(user, MODULE, action, award.entry.competition.org):
        raise Http404
    return award


def scope_or_all(user, competition: Competition, queryset: QuerySet) -> QuerySet:
    if organiser_view(user, competition):
        return queryset
    return scope_queryset(queryset, user, MODULE, Action.VIEW)


def entry_counts(competition_ids) -> dict[int, int]:
    """Registered entrants per competition (one grouped query)."""
    rows = (
        Entry.objects.filter(competition_id__in=competition_ids, status=EntryStatus.REGISTERED)
        .values("competition_id")
        .annotate(n=Count("id"))
    )
    return {row["competition_id"]: row["n"] for row in rows}
