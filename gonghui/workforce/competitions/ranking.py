"""Results: totals, ranks, titles, grade promotions, honours and mentor rewards in one
set-based pass (DESIGN §4 "Workforce"; bench/workforce.py measures it).

`results_recompute(competition_ids=None)` runs a fixed number of SQL statements, however
many competitions and entrants there are, on PostgreSQL and SQLite alike:

1. totals and ranks of every registered entry, in one UPDATE … FROM a window query that
   writes only the entries whose values differ:
   - a round's score is theory × theory weight + practical × practical weight (÷ 100);
     a round is *complete* when it has each part the weights ask for and is not marked
     absent (缺赛);
   - `sum`: the total adds every round; a missing round (no row, absent, or incomplete)
     takes the competition out of the ranking (`exclude`, shown as 缺赛 not ranked) or
     counts as 0 (`zero`; an entrant without any complete round is never ranked);
   - `last`: the total is the last round's score (the final); no final, no rank;
   - totals are rounded to 2 places before ranking, so equal scores tie on every database;
   - RANK() per competition and trade: a tie shares the rank and the next is skipped
     (1, 2, 2, 4); waiting and withdrawn entries carry no total or rank;
2. rule awards: every active title rule of the competition's county for its level (and
   class, kind) whose rank range holds the entry's rank; a rule's title only when it is
   one of the competition's configured titles (its grade promotion applies regardless);
3. honours: one ledger line per award (rule or manual) of a published competition;
4. mentor rewards: for every apprentice without one, the first placing (rank within the
   county's `placing_rank`) or grade promotion in a published competition that ended
   between the agreement's signing and its reward deadline — once per apprentice.

Each step writes only the difference between what is stored and what it computes (stale
rows deleted, changed ones updated, missing ones inserted), so a pass over unchanged results
writes nothing: rows keep their ids and dates, and a province-sized pass costs its reads
(bench/workforce.py prints the time of each statement).

Covered: competitions running or with published results (`summary`); a commended
competition is frozen (its results, honours and rewards stay as they were commended).
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from gonghui.workforce.competitions.models import (
    Award,
    AwardSource,
    Competition,
    CompetitionStatus,
    Entry,
    EntryStatus,
    Score,
    Title,
    TitleRule,
)
from gonghui.workforce.honours.models import Honour, HonourKind
from gonghui.workforce.mentorships.models import (
    MentorReward,
    Mentorship,
    MentorshipPolicy,
    MentorshipStatus,
    RewardTrigger,
)

RECOMPUTED_STATUSES = (CompetitionStatus.RUNNING, CompetitionStatus.SUMMARY)
PUBLISHED = (CompetitionStatus.SUMMARY, CompetitionStatus.COMMENDED)


@dataclass(frozen=True)
class RecomputeResult:
    """The competitions covered and the rows the pass wrote (inserted, updated or deleted):
    0 everywhere when nothing changed."""

    competitions: int
    entries_changed: int
    awards: int
    honours: int
    rewards: int


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _distinct() -> str:
    # Null-safe "differs": PostgreSQL's IS DISTINCT FROM; SQLite's IS NOT.
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


def _settings() -> str:
    """PostgreSQL settings for the rest of the transaction, as select-list items: no JIT
    (compiling the pass's expressions costs more than it saves on a few hundred thousand
    rows) and room to sort and hash the entries in memory instead of spilling to disk."""
    if connection.vendor != "postgresql":
        return ""
    return "set_config('jit', 'off', true), set_config('work_mem', '128MB', true), "


def _selection(competition_ids) -> tuple[str, list]:
    """SQL selecting the ids of the competitions the pass covers, and its parameters."""
    sql = f"SELECT id FROM {_t(Competition)} WHERE status IN (%s, %s)"
    params: list = list(RECOMPUTED_STATUSES)
    if competition_ids is not None:
        ids = [int(i) for i in competition_ids]
        if not ids:
            return sql + " AND 1 = 0", params
        sql += f" AND id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    return sql, params


def _covered(alias: str, competition_ids) -> tuple[str, list]:
    """SQL: the competition `alias` is one the pass covers (as `_selection`), and its
    parameters."""
    sql = f"{alias}.status IN (%s, %s)"
    params: list = list(RECOMPUTED_STATUSES)
    if competition_ids is not None:
        ids = [int(i) for i in competition_ids]
        if not ids:
            return "1 = 0", []
        sql += f" AND {alias}.id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    return sql, params


def _ranks(cursor, sel: str, sel_params: list, competition_ids) -> int:
    entry, comp, score = _t(Entry), _t(Competition), _t(Score)
    covered, covered_params = _covered("c", competition_ids)
    complete = (
        "(NOT s.absent AND (c.theory_weight = 0 OR s.theory IS NOT NULL) "
        "AND (c.practical_weight = 0 OR s.practical IS NOT NULL))"
    )
    weighted = (
        "(COALESCE(s.theory, 0) * c.theory_weight + COALESCE(s.practical, 0) * c.practical_weight)"
    )
    differs = _distinct()
    cursor.execute(
        f"""
        WITH per_entry AS (
            SELECT e.id AS id, e.competition_id AS cid, e.trade_id AS tid,
                   e.total AS was_total, e.rank AS was_rank, e.rounds_scored AS was_scored,
                   MAX(c.rounds) AS rounds, MAX(c.round_rule) AS round_rule,
                   MAX(c.missing_round) AS missing,
                   COUNT(CASE WHEN {complete} THEN 1 END) AS scored,
                   SUM(CASE WHEN s.absent THEN 0 ELSE {weighted} END) AS weighted_sum,
                   SUM(CASE WHEN s.round = c.rounds AND {complete} THEN {weighted} END) AS final_sum
            FROM {entry} e
            JOIN {comp} c ON c.id = e.competition_id
            LEFT JOIN {score} s ON s.entry_id = e.id AND s.round <= c.rounds
            WHERE {covered} AND e.status = %s
            GROUP BY e.id
        ),
        totals AS (
            SELECT id, cid, tid, scored, was_total, was_rank, was_scored,
                   CASE
                       WHEN round_rule = %s THEN ROUND(final_sum / 100.0, 2)
                       WHEN scored = 0 THEN NULL
                       WHEN scored < rounds AND missing = %s THEN NULL
                       ELSE ROUND(weighted_sum / 100.0, 2)
                   END AS total
            FROM per_entry
        ),
        ranked AS (
            SELECT id, scored, total, was_total, was_rank, was_scored,
                   CASE WHEN total IS NULL THEN NULL ELSE
                       RANK() OVER (PARTITION BY cid, tid, (total IS NULL) ORDER BY total DESC)
                   END AS place
            FROM totals
        )
        UPDATE {entry} SET total = d.total, rank = d.place, rounds_scored = d.scored
        FROM (SELECT id, total, place, scored FROM ranked
              WHERE was_total {differs} total OR was_rank {differs} place
                 OR was_scored <> scored) d
        WHERE {entry}.id = d.id
        """,
        [*covered_params, EntryStatus.REGISTERED, "last", "exclude"],
    )
    changed = max(cursor.rowcount, 0)
    cursor.execute(
        f"UPDATE {entry} SET total = NULL, rank = NULL, rounds_scored = 0 "
        f"WHERE competition_id IN ({sel}) AND status <> %s "
        "AND (total IS NOT NULL OR rank IS NOT NULL OR rounds_scored <> 0)",
        [*sel_params, EntryStatus.REGISTERED],
    )
    return changed + max(cursor.rowcount, 0)


def _same(left: str, right: str, columns: tuple[str, ...], nullable: tuple[str, ...] = ()) -> str:
    """SQL: the rows `left` and `right` agree on `columns` (null-safe on `nullable`)."""
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    q = connection.ops.quote_name
    return " AND ".join(
        f"{left}.{q(c)} {same if c in nullable else '='} {right}.{q(c)}" for c in columns
    )


AWARD_KEY = ("entry_id", "rule_id", "title_id", "grade_steps")


def _wanted_awards(sel: str, sel_params: list) -> tuple[str, list]:
    """SQL of the rule awards the covered entries earn: every active title rule of the
    competition's county for its level (and class, kind) whose rank range holds the entry's
    rank; the rule's title only when it is one of the competition's configured titles (its
    grade promotion applies regardless). Columns: AWARD_KEY."""
    titles = connection.ops.quote_name(Competition.titles.through._meta.db_table)
    sql = f"""
        SELECT e.id AS entry_id, r.id AS rule_id, ct.title_id AS title_id,
               r.grade_steps AS grade_steps
        FROM {_t(Entry)} e
        JOIN {_t(Competition)} c ON c.id = e.competition_id
        JOIN {_t(TitleRule)} r ON r.org_id = c.county_id AND r.is_active AND r.level = c.level
             AND (r.contest_class = '' OR r.contest_class = c.contest_class)
             AND (r.kind = '' OR r.kind = c.kind)
             AND COALESCE(e.rank, 0) BETWEEN r.rank_from AND r.rank_to
        LEFT JOIN {titles} ct ON ct.competition_id = c.id AND ct.title_id = r.title_id
        WHERE e.competition_id IN ({sel}) AND e.status = %s
          AND (ct.title_id IS NOT NULL OR r.grade_steps > 0)
    """
    return sql, [*sel_params, EntryStatus.REGISTERED]


def _awards(cursor, sel: str, sel_params: list, now) -> int:
    """Rule awards: only the difference is written. The ledger lines of awards that go
    (or of entries and competitions that no longer earn a line) go first; then the stale
    rule awards; then the missing ones. Returns the rows written."""
    entry, award, comp = _t(Entry), _t(Award), _t(Competition)
    wanted, wanted_params = _wanted_awards(sel, sel_params)
    stale = _same("a", "w", AWARD_KEY, ("title_id",))
    cursor.execute(
        f"""
        DELETE FROM {_t(Honour)} WHERE award_id IN (
            SELECT a.id FROM {award} a
            JOIN {entry} e ON e.id = a.entry_id
            JOIN {comp} c ON c.id = e.competition_id
            LEFT JOIN ({wanted}) w ON {stale}
            WHERE e.competition_id IN ({sel})
              AND (c.status <> %s OR e.status <> %s OR (a.source = %s AND w.entry_id IS NULL)))
        """,
        [
            *wanted_params,
            *sel_params,
            CompetitionStatus.SUMMARY,
            EntryStatus.REGISTERED,
            AwardSource.RULE,
        ],
    )
    written = max(cursor.rowcount, 0)
    cursor.execute(
        f"""
        DELETE FROM {award} WHERE id IN (
            SELECT a.id FROM {award} a
            JOIN {entry} e ON e.id = a.entry_id
            LEFT JOIN ({wanted}) w ON {stale}
            WHERE e.competition_id IN ({sel}) AND a.source = %s AND w.entry_id IS NULL)
        """,
        [*wanted_params, *sel_params, AwardSource.RULE],
    )
    written += max(cursor.rowcount, 0)
    cursor.execute(
        f"""
        INSERT INTO {award} (entry_id, title_id, grade_steps, source, rule_id, note,
                             created_by_id, created_at)
        SELECT w.entry_id, w.title_id, w.grade_steps, %s, w.rule_id, '', NULL, %s
        FROM ({wanted}) w
        LEFT JOIN {award} a ON a.source = %s AND {stale}
        WHERE a.id IS NULL
        """,
        [AwardSource.RULE, now, *wanted_params, AwardSource.RULE],
    )
    return written + max(cursor.rowcount, 0)


# The columns of a contest's ledger line that the pass derives; the others keep their
# defaults (no team or other source, not revoked: nothing else writes such a line).
HONOUR_COLUMNS = (
    "org_id",
    "org_anchor_id",
    "kind",
    "name",
    "level",
    "year",
    "awarded_on",
    "issuer",
    "member_id",
    "enterprise_id",
    "title_id",
    "trade_id",
    "grade_steps",
)
HONOUR_NULLABLE = ("org_anchor_id", "member_id", "enterprise_id", "title_id", "trade_id")
HONOUR_DEFAULTS = {
    "team_id": "NULL",
    "nomination_id": "NULL",
    "excellent_team_id": "NULL",
    "innovation_id": "NULL",
    "recorded_by_id": "NULL",
    "note": "''",
    "revoked_on": "NULL",
    "revoke_reason": "''",
}


def _honours(cursor, sel: str, sel_params: list, now) -> int:
    """One ledger line per award (rule or manual) of a registered entry in a published
    competition: lines that differ are updated, missing ones inserted (those that go were
    deleted with the awards). Returns the rows written."""
    org = connection.ops.quote_name("orgs_org")
    honour = _t(Honour)
    wanted = f"""
        SELECT a.id AS award_id, e.org_id AS org_id, e.org_anchor_id AS org_anchor_id,
               CASE WHEN a.title_id IS NULL THEN %s ELSE %s END AS kind,
               COALESCE(t.name, %s) AS name,
               c.level AS level, c.year AS year, c.ends_on AS awarded_on,
               CASE WHEN c.organiser_name = '' THEN o.name ELSE c.organiser_name END AS issuer,
               e.member_id AS member_id, e.employer_id AS enterprise_id,
               a.title_id AS title_id, e.trade_id AS trade_id, a.grade_steps AS grade_steps
        FROM {_t(Award)} a
        JOIN {_t(Entry)} e ON e.id = a.entry_id
        JOIN {_t(Competition)} c ON c.id = e.competition_id
        JOIN {org} o ON o.id = c.org_id
        LEFT JOIN {_t(Title)} t ON t.id = a.title_id
        WHERE e.competition_id IN ({sel}) AND c.status = %s AND e.status = %s
    """
    wanted_params = [
        HonourKind.GRADE,
        HonourKind.TITLE,
        "技能等级晋升",
        *sel_params,
        CompetitionStatus.SUMMARY,
        EntryStatus.REGISTERED,
    ]
    differs = " OR ".join(
        f"{honour}.{c} {_distinct() if c in HONOUR_NULLABLE else '<>'} w.{c}"
        for c in HONOUR_COLUMNS
    )
    cursor.execute(
        f"""
        UPDATE {honour} SET updated_at = %s, {", ".join(f"{c} = w.{c}" for c in HONOUR_COLUMNS)}
        FROM ({wanted}) w
        WHERE {honour}.award_id = w.award_id AND ({differs})
        """,
        [now, *wanted_params],
    )
    written = max(cursor.rowcount, 0)
    columns = ", ".join((*HONOUR_COLUMNS, *HONOUR_DEFAULTS))
    values = ", ".join((*(f"w.{c}" for c in HONOUR_COLUMNS), *HONOUR_DEFAULTS.values()))
    cursor.execute(
        f"""
        INSERT INTO {honour} (created_at, updated_at, award_id, revoked, {columns})
        SELECT %s, %s, w.award_id, %s, {values}
        FROM ({wanted}) w
        WHERE NOT EXISTS (SELECT 1 FROM {honour} h WHERE h.award_id = w.award_id)
        """,
        [now, now, False, *wanted_params],
    )
    return written + max(cursor.rowcount, 0)


REWARD_KEY = ("mentorship_id", "apprentice_id", "entry_id", "trigger", "amount", "achieved_on")


def _wanted_rewards(
    sel: str, sel_params: list, competition_ids, *, all_apprentices: bool
) -> tuple[str, list]:
    """SQL of the mentor rewards the pass gives: for every apprentice (all of them, or
    those with an entry in the covered competitions) without a reward earned outside them,
    the first placing (rank within the county's `placing_rank`) or grade promotion in a
    published competition that ended between the agreement's signing and its reward
    deadline. Columns: REWARD_KEY."""
    entry, comp, award, policy = _t(Entry), _t(Competition), _t(Award), _t(MentorshipPolicy)
    covered, covered_params = _covered("rc", competition_ids)
    only = (
        ""
        if all_apprentices
        else f"AND m.apprentice_id IN (SELECT member_id FROM {entry} WHERE competition_id IN ({sel}))"
    )
    sql = f"""
        SELECT mentorship_id, apprentice_id, entry_id, "trigger", amount, achieved_on
        FROM (
            SELECT m.id AS mentorship_id, m.apprentice_id AS apprentice_id, e.id AS entry_id,
                   CASE WHEN e.rank IS NOT NULL AND e.rank <= p.placing_rank THEN %s ELSE %s END
                       AS "trigger",
                   p.reward_amount AS amount, c.ends_on AS achieved_on,
                   ROW_NUMBER() OVER (PARTITION BY m.apprentice_id
                                      ORDER BY c.ends_on, e.id, m.id) AS rn
            FROM {_t(Mentorship)} m
            JOIN {_t(MentorshipPolicy)} p ON p.org_id = m.county_id
            JOIN {entry} e ON e.member_id = m.apprentice_id AND e.status = %s
            JOIN {comp} c ON c.id = e.competition_id AND c.status IN (%s, %s)
            WHERE m.status <> %s
              AND c.ends_on >= m.signed_on AND c.ends_on <= m.reward_until
              AND (COALESCE(e.rank, 0) BETWEEN 1 AND p.placing_rank
                   OR e.id IN (SELECT a.entry_id FROM {award} a WHERE a.grade_steps > 0))
              AND (COALESCE(e.rank, 0) BETWEEN 1 AND (SELECT MAX(placing_rank) FROM {policy})
                   OR e.id IN (SELECT a.entry_id FROM {award} a WHERE a.grade_steps > 0))
              AND NOT EXISTS (SELECT 1 FROM {_t(MentorReward)} r
                              JOIN {entry} re ON re.id = r.entry_id
                              JOIN {comp} rc ON rc.id = re.competition_id
                              WHERE r.apprentice_id = m.apprentice_id AND NOT ({covered}))
              {only}
        ) firsts
        WHERE rn = 1
    """
    params = [
        RewardTrigger.PLACING,
        RewardTrigger.GRADE,
        EntryStatus.REGISTERED,
        *PUBLISHED,
        MentorshipStatus.TERMINATED,
        *covered_params,
        *([] if all_apprentices else sel_params),
    ]
    return sql, params


def _rewards(
    cursor, sel: str, sel_params: list, competition_ids, now, *, all_apprentices: bool
) -> int:
    """Mentor rewards: the covered competitions' rewards that are no longer given go, the
    missing ones are added (once per apprentice). Returns the rows written."""
    entry, reward = _t(Entry), _t(MentorReward)
    wanted, wanted_params = _wanted_rewards(
        sel, sel_params, competition_ids, all_apprentices=all_apprentices
    )
    cursor.execute(
        f"""
        DELETE FROM {reward} WHERE id IN (
            SELECT r.id FROM {reward} r
            JOIN {entry} e ON e.id = r.entry_id
            LEFT JOIN ({wanted}) w ON {_same("r", "w", REWARD_KEY)}
            WHERE e.competition_id IN ({sel}) AND w.entry_id IS NULL)
        """,
        [*wanted_params, *sel_params],
    )
    written = max(cursor.rowcount, 0)
    cursor.execute(
        f"""
        INSERT INTO {reward} (mentorship_id, apprentice_id, entry_id, "trigger",
                              amount, achieved_on, computed_at)
        SELECT w.mentorship_id, w.apprentice_id, w.entry_id, w."trigger", w.amount,
               w.achieved_on, %s
        FROM ({wanted}) w
        WHERE NOT EXISTS (SELECT 1 FROM {reward} r WHERE r.apprentice_id = w.apprentice_id)
        """,
        [now, *wanted_params],
    )
    return written + max(cursor.rowcount, 0)


@transaction.atomic
def results_recompute(competition_ids=None) -> RecomputeResult:
    """Recompute everything derived from scores for the given competitions (all running or
    published ones when None), in one transaction of a fixed number of statements."""
    now = timezone.now()
    sel, sel_params = _selection(competition_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_settings()}COUNT(*) FROM ({sel}) covered", sel_params)
        covered = cursor.fetchone()[-1]
        changed = _ranks(cursor, sel, sel_params, competition_ids)
        awards = _awards(cursor, sel, sel_params, now)
        honours = _honours(cursor, sel, sel_params, now)
        rewards = _rewards(
            cursor, sel, sel_params, competition_ids, now, all_apprentices=competition_ids is None
        )
        cursor.execute(
            f"UPDATE {_t(Competition)} SET results_computed_at = %s WHERE id IN ({sel})",
            [now, *sel_params],
        )
    return RecomputeResult(covered, changed, awards, honours, rewards)


def rewards_recompute() -> int:
    """Mentor rewards only (after a mentorship is signed, terminated or changes dates)."""
    now = timezone.now()
    sel, sel_params = _selection([])
    with transaction.atomic(), connection.cursor() as cursor:
        return _rewards(cursor, sel, sel_params, [], now, all_apprentices=True)
