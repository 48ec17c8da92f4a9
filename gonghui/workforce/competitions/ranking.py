"""Results: totals, ranks, titles, grade promotions, honours and mentor rewards in one
set-based pass (DESIGN §4 "Workforce"; bench/workforce.py measures it).

`results_recompute(competition_ids=None)` runs a fixed number of SQL statements, however
many competitions and entrants there are, on PostgreSQL and SQLite alike:

1. forget what the pass derives for the competitions it covers: the honours of their
   awards, the mentor rewards earned with their entries, their rule awards;
2. totals and ranks of every registered entry, in one UPDATE … FROM a window query:
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
3. rule awards: every active title rule of the competition's county for its level (and
   class, kind) whose rank range holds the entry's rank; a rule's title only when it is
   one of the competition's configured titles (its grade promotion applies regardless);
4. honours: one ledger line per award (rule or manual) of a published competition;
5. mentor rewards: for every apprentice without one, the first placing (rank within the
   county's `placing_rank`) or grade promotion in a published competition that ended
   between the agreement's signing and its reward deadline — once per apprentice.

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


def _forget(cursor, sel: str, sel_params: list) -> None:
    entry, award = _t(Entry), _t(Award)
    cursor.execute(
        f"DELETE FROM {_t(Honour)} WHERE award_id IN ("
        f"SELECT a.id FROM {award} a JOIN {entry} e ON e.id = a.entry_id "
        f"WHERE e.competition_id IN ({sel}))",
        sel_params,
    )
    cursor.execute(
        f"DELETE FROM {_t(MentorReward)} WHERE entry_id IN ("
        f"SELECT id FROM {entry} WHERE competition_id IN ({sel}))",
        sel_params,
    )
    cursor.execute(
        f"DELETE FROM {award} WHERE source = %s AND entry_id IN ("
        f"SELECT id FROM {entry} WHERE competition_id IN ({sel}))",
        [AwardSource.RULE, *sel_params],
    )


def _ranks(cursor, sel: str, sel_params: list) -> int:
    entry, comp, score = _t(Entry), _t(Competition), _t(Score)
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
                   c.rounds AS rounds, c.round_rule AS round_rule, c.missing_round AS missing,
                   COUNT(CASE WHEN {complete} THEN 1 END) AS scored,
                   SUM(CASE WHEN s.absent THEN 0 ELSE {weighted} END) AS weighted_sum,
                   SUM(CASE WHEN s.round = c.rounds AND {complete} THEN {weighted} END) AS final_sum
            FROM {entry} e
            JOIN {comp} c ON c.id = e.competition_id
            LEFT JOIN {score} s ON s.entry_id = e.id AND s.round <= c.rounds
            WHERE e.competition_id IN ({sel}) AND e.status = %s
            GROUP BY e.id, e.competition_id, e.trade_id, c.rounds, c.round_rule, c.missing_round
        ),
        totals AS (
            SELECT id, cid, tid, scored,
                   CASE
                       WHEN round_rule = %s THEN ROUND(final_sum / 100.0, 2)
                       WHEN scored = 0 THEN NULL
                       WHEN scored < rounds AND missing = %s THEN NULL
                       ELSE ROUND(weighted_sum / 100.0, 2)
                   END AS total
            FROM per_entry
        ),
        ranked AS (
            SELECT id, scored, total,
                   CASE WHEN total IS NULL THEN NULL ELSE
                       RANK() OVER (PARTITION BY cid, tid, (total IS NULL) ORDER BY total DESC)
                   END AS place
            FROM totals
        )
        UPDATE {entry} SET total = ranked.total, rank = ranked.place, rounds_scored = ranked.scored
        FROM ranked
        WHERE {entry}.id = ranked.id
          AND ({entry}.total {differs} ranked.total OR {entry}.rank {differs} ranked.place
               OR {entry}.rounds_scored <> ranked.scored)
        """,
        [*sel_params, EntryStatus.REGISTERED, "last", "exclude"],
    )
    changed = max(cursor.rowcount, 0)
    cursor.execute(
        f"UPDATE {entry} SET total = NULL, rank = NULL, rounds_scored = 0 "
        f"WHERE competition_id IN ({sel}) AND status <> %s "
        "AND (total IS NOT NULL OR rank IS NOT NULL OR rounds_scored <> 0)",
        [*sel_params, EntryStatus.REGISTERED],
    )
    return changed + max(cursor.rowcount, 0)


def _rule_awards(cursor, sel: str, sel_params: list, now) -> int:
    titles = connection.ops.quote_name(Competition.titles.through._meta.db_table)
    cursor.execute(
        f"""
        INSERT INTO {_t(Award)} (entry_id, title_id, grade_steps, source, rule_id, note,
                                 created_by_id, created_at)
        SELECT e.id, ct.title_id, r.grade_steps, %s, r.id, '', NULL, %s
        FROM {_t(Entry)} e
        JOIN {_t(Competition)} c ON c.id = e.competition_id
        JOIN {_t(TitleRule)} r ON r.org_id = c.county_id AND r.is_active AND r.level = c.level
             AND (r.contest_class = '' OR r.contest_class = c.contest_class)
             AND (r.kind = '' OR r.kind = c.kind)
             AND e.rank >= r.rank_from AND e.rank <= r.rank_to
        LEFT JOIN {titles} ct ON ct.competition_id = c.id AND ct.title_id = r.title_id
        WHERE e.competition_id IN ({sel}) AND e.status = %s AND e.rank IS NOT NULL
          AND (ct.title_id IS NOT NULL OR r.grade_steps > 0)
        """,
        [AwardSource.RULE, now, *sel_params, EntryStatus.REGISTERED],
    )
    return max(cursor.rowcount, 0)


def _honours(cursor, sel: str, sel_params: list, now) -> int:
    org = connection.ops.quote_name("orgs_org")
    cursor.execute(
        f"""
        INSERT INTO {_t(Honour)} (created_at, updated_at, org_id, org_anchor_id, kind, name,
            level, year, awarded_on, issuer, member_id, team_id, enterprise_id, title_id,
            trade_id, grade_steps, award_id, nomination_id, excellent_team_id, innovation_id,
            recorded_by_id, note, revoked, revoked_on, revoke_reason)
        SELECT %s, %s, e.org_id, e.org_anchor_id,
               CASE WHEN a.title_id IS NULL THEN %s ELSE %s END,
               COALESCE(t.name, %s),
               c.level, c.year, c.ends_on,
               CASE WHEN c.organiser_name = '' THEN o.name ELSE c.organiser_name END,
               e.member_id, NULL, e.employer_id, a.title_id, e.trade_id, a.grade_steps, a.id,
               NULL, NULL, NULL, NULL, '', %s, NULL, ''
        FROM {_t(Award)} a
        JOIN {_t(Entry)} e ON e.id = a.entry_id
        JOIN {_t(Competition)} c ON c.id = e.competition_id
        JOIN {org} o ON o.id = c.org_id
        LEFT JOIN {_t(Title)} t ON t.id = a.title_id
        WHERE e.competition_id IN ({sel}) AND c.status = %s AND e.status = %s
        """,
        [
            now,
            now,
            HonourKind.GRADE,
            HonourKind.TITLE,
            "技能等级晋升",
            False,
            *sel_params,
            CompetitionStatus.SUMMARY,
            EntryStatus.REGISTERED,
        ],
    )
    return max(cursor.rowcount, 0)


def _rewards(cursor, sel: str, sel_params: list, now, *, all_apprentices: bool) -> int:
    entry, comp = _t(Entry), _t(Competition)
    only = (
        ""
        if all_apprentices
        else f"AND m.apprentice_id IN (SELECT member_id FROM {entry} WHERE competition_id IN ({sel}))"
    )
    cursor.execute(
        f"""
        INSERT INTO {_t(MentorReward)} (mentorship_id, apprentice_id, entry_id, "trigger",
                                        amount, achieved_on, computed_at)
        SELECT mentorship_id, apprentice_id, entry_id, trig, amount, achieved_on, %s
        FROM (
            SELECT m.id AS mentorship_id, m.apprentice_id AS apprentice_id, e.id AS entry_id,
                   CASE WHEN e.rank IS NOT NULL AND e.rank <= p.placing_rank THEN %s ELSE %s END
                       AS trig,
                   p.reward_amount AS amount, c.ends_on AS achieved_on,
                   ROW_NUMBER() OVER (PARTITION BY m.apprentice_id
                                      ORDER BY c.ends_on, e.id, m.id) AS rn
            FROM {_t(Mentorship)} m
            JOIN {_t(MentorshipPolicy)} p ON p.org_id = m.county_id
            JOIN {entry} e ON e.member_id = m.apprentice_id AND e.status = %s
            JOIN {comp} c ON c.id = e.competition_id AND c.status IN (%s, %s)
            WHERE m.status <> %s
              AND c.ends_on >= m.signed_on AND c.ends_on <= m.reward_until
              AND ((e.rank IS NOT NULL AND e.rank <= p.placing_rank)
                   OR EXISTS (SELECT 1 FROM {_t(Award)} a
                              WHERE a.entry_id = e.id AND a.grade_steps > 0))
              AND NOT EXISTS (SELECT 1 FROM {_t(MentorReward)} r
                              WHERE r.apprentice_id = m.apprentice_id)
              {only}
        ) firsts
        WHERE rn = 1
        """,
        [
            now,
            RewardTrigger.PLACING,
            RewardTrigger.GRADE,
            EntryStatus.REGISTERED,
            *PUBLISHED,
            MentorshipStatus.TERMINATED,
            *([] if all_apprentices else sel_params),
        ],
    )
    return max(cursor.rowcount, 0)


@transaction.atomic
def results_recompute(competition_ids=None) -> RecomputeResult:
    """Recompute everything derived from scores for the given competitions (all running or
    published ones when None), in one transaction of a fixed number of statements."""
    now = timezone.now()
    sel, sel_params = _selection(competition_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sel}) covered", sel_params)
        covered = cursor.fetchone()[0]
        _forget(cursor, sel, sel_params)
        changed = _ranks(cursor, sel, sel_params)
        awards = _rule_awards(cursor, sel, sel_params, now)
        honours = _honours(cursor, sel, sel_params, now)
        rewards = _rewards(cursor, sel, sel_params, now, all_apprentices=competition_ids is None)
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
        return _rewards(cursor, sel, sel_params, now, all_apprentices=True)
