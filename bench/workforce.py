"""Workforce benchmark: a province-sized year of competitions on PostgreSQL (issue 16).

Question. With 2,000 competitions, 500,000 entrants scored over 3 rounds and 100,000 mentor
pairs, is recomputing every rank and the titles, grade promotions, honours and mentor
rewards they bring one set-based pass of ≤ 5 s, and ≥ 30× faster than the same work done
row by row through the ORM? Is a person's honours ledger page ≤ 50 ms (median) and a
county's statistics page ≤ 200 ms (median) at that size?

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; a province tree COPY-loaded: a province root, `--counties` county federations
   (level 4), `--townships` township unions each (level 5) and `--grassroots` grassroots
   unions under each township (level 6); paths and anchors as the services set them;
2. `--members` members (bench/member_list.py's COPY loader); per county three titles
   rules (county contest top 3 → 技术能手 and one grade up, 4–10 → 技术标兵; township contest
   top 3 → 岗位能手) and the default mentorship policy (reward within 3 years for a top-3
   placing or a grade);
3. COPY `--competitions` skills competitions spread over the counties (a quarter organised
   by the county, the rest by a township; 85% with published results, 15% running; 3 of
   60 trades each; 40% theory / 60% practical; 3 rounds; one in four ranks on the final
   round only, one in five counts a missing round as 0), `--entrants` entries drawn from
   the organiser's members (95% registered, 3% waiting, 2% withdrawn), three rounds of
   scores per registered entry (scores in half points, so ties are common; 1% of rounds
   absent, 1% missing), and `--pairs` mentor pairs in the same counties (signed over the
   last four years, 5% terminated); VACUUM ANALYZE;
4. **set-based**: the app's own `ranking.results_recompute()` over every competition,
   `--repeat` times (the first run computes from nothing, the next ones recompute and, as
   nothing changed, write nothing); every statement of each pass timed (wall and the
   database server's CPU, from /proc: steadier on a shared machine) with the rows it
   wrote, printed as a table at the end ("commit and the rest": deferred foreign-key
   checks at commit, Python); `--explain` adds one pass under EXPLAIN (ANALYZE, BUFFERS)
   and prints the plans of its 3 slowest statements;
5. **row by row**: the same work through the ORM, entry by entry (its scores read per
   entry, totals and ranks saved per entry, each rule tried per ranked entry, one Award, one
   Honour and the mentor-reward lookups per award) on a sample of `--sample` competitions,
   timed and EXTRAPOLATED by entrants to all competitions; its totals, ranks, awards and
   honours must equal the set-based ones for the sample (mentor rewards are computed by
   both but not compared: "once per apprentice" looks at every competition, the loop only
   at the sample);
6. **pages**: `/workforce/honours/members/<id>/` for `--pages` members with the fullest
   ledgers (entries, titles, mentorships), and `/workforce/stats/` for the county admin of
   the median county (and, for contrast, the province root), through Django's test Client
   (middleware, view, selectors, template; no network); median, p95 and queries per page;
7. prints the side-by-side table, the per-statement split and the load average (the
   machine is shared).

Run:  .venv/bin/python bench/workforce.py | tee bench/out/workforce_run.txt
      .venv/bin/python bench/workforce.py --counties 10 --competitions 200 --entrants 20000 \
          --pairs 4000 --members 30000 --sample 10 --pages 10      # small, ~1 minute
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monitoring import copy_rows  # noqa: E402
from scope import load_orgs  # noqa: E402

T0 = time.perf_counter()
TARGET_PASS_S = 5.0
TARGET_RATIO = 30.0
TARGET_LEDGER_MS = 50.0
TARGET_STATS_MS = 200.0
STAMP = "2026-01-01 00:00+08"


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def build_province(counties: int, townships: int, grassroots: int) -> dict[str, list]:
    """Parallel lists indexed by id - 1: the province root (1), then the counties, then the
    townships, then the grassroots unions (ids level by level)."""
    kind, parent, depth, level, path, anchor = ["federation"], [None], [0], [2], ["/1/"], [None]

    def add(k: str, p: int, lv: int, anchored: bool) -> int:
        oid = len(kind) + 1
        kind.append(k)
        parent.append(p)
        depth.append(depth[p - 1] + 1)
        level.append(lv)
        path.append(f"{path[p - 1]}{oid}/")
        anchor.append((anchor[p - 1] or oid) if anchored else None)
        return oid

    county_ids = [add("federation", 1, 4, False) for _ in range(counties)]
    town_ids = [add("township", c, 5, True) for c in county_ids for _ in range(townships)]
    for t in town_ids:
        for _ in range(grassroots):
            add("enterprise", t, 6, True)
    return {
        "kind": kind,
        "parent": parent,
        "depth": depth,
        "level": level,
        "path": path,
        "anchor": anchor,
        "counties": county_ids,
        "townships": town_ids,
    }


def county_of(path: str) -> int:
    return int(path.split("/")[2])


def half_points(rng: random.Random, low: float) -> Decimal:
    return Decimal(round(rng.uniform(low, 100) * 2) / 2).quantize(Decimal("0.01"))


def load_workforce(raw, args, tree, rng: random.Random) -> dict:
    from django.utils import timezone

    from gonghui.workforce.competitions.models import (
        Competition,
        Entry,
        Score,
        Title,
        TitleRule,
        Trade,
    )
    from gonghui.workforce.mentorships.models import Mentorship, MentorshipPolicy

    today = timezone.localdate()
    year = today.year
    trades = Trade.objects.bulk_create([Trade(name=f"工种{n:02d}") for n in range(60)])
    expert, model_, post = Title.objects.bulk_create(
        [Title(name="技术能手"), Title(name="技术标兵"), Title(name="岗位能手")]
    )
    stamp = timezone.now()
    rules, policies = [], []
    for county in tree["counties"]:
        common = dict(org_id=county, org_anchor_id=None, is_active=True)
        rules += [
            TitleRule(
                level="county", rank_from=1, rank_to=3, title=expert, grade_steps=1, **common
            ),
            TitleRule(level="county", rank_from=4, rank_to=10, title=model_, **common),
            TitleRule(level="township", rank_from=1, rank_to=3, title=post, **common),
        ]
        policies.append(MentorshipPolicy(org_id=county, org_anchor_id=None))
    for row in (*rules, *policies):
        row.created_at = row.updated_at = stamp
    TitleRule.objects.bulk_create(rules)
    MentorshipPolicy.objects.bulk_create(policies)

    # Members by county and by township (active ones).
    raw.execute(
        "SELECT m.id, m.org_id, o.path FROM members_member m JOIN orgs_org o ON o.id = m.org_id "
        "WHERE m.status = 'active' ORDER BY m.id"
    )
    by_county: dict[int, list[tuple[int, int, int | None]]] = {}
    by_town: dict[int, list[tuple[int, int, int | None]]] = {}
    for pk, org, path in raw.fetchall():
        parts = path.split("/")
        anchor = int(parts[3]) if len(parts) > 4 else None
        person = (pk, org, anchor)
        by_county.setdefault(int(parts[2]), []).append(person)
        if anchor:
            by_town.setdefault(anchor, []).append(person)

    # Competitions: a quarter by the county, the rest by one of its townships.
    first_day = datetime.date(year, 1, 5)
    span = max(1, (today - first_day).days - 10)
    towns_of: dict[int, list[int]] = {}
    for town in tree["townships"]:
        towns_of.setdefault(county_of(tree["path"][town - 1]), []).append(town)
    comps, comp_trades, comp_titles, plan = [], [], [], []
    weights = [rng.lognormvariate(0, 0.5) for _ in range(args.competitions)]
    sizes = [max(12, int(args.entrants * w / sum(weights))) for w in weights]
    for n in range(args.competitions):
        pk = n + 1
        county = tree["counties"][n % len(tree["counties"])]
        by_county_level = n % 4 == 0
        org = county if by_county_level else rng.choice(towns_of[county])
        starts = first_day + datetime.timedelta(days=rng.randrange(span))
        comps.append(
            {
                "id": pk,
                "created_at": STAMP,
                "updated_at": STAMP,
                "org_id": org,
                "org_anchor_id": None if by_county_level else org,
                "code": f"B{pk:08d}",
                "name": f"测评竞赛{pk}",
                "kind": "skills",
                "level": "county" if by_county_level else "township",
                "contest_class": "other",
                "county_id": county,
                "year": year,
                "starts_on": starts,
                "ends_on": starts + datetime.timedelta(days=2),
                "theory_weight": 40,
                "practical_weight": 60,
                "rounds": 3,
                "round_rule": "last" if n % 4 == 1 else "sum",
                "missing_round": "zero" if n % 5 == 2 else "exclude",
                "score_max": 100,
                "status": "running" if n % 7 == 3 else "summary",
            }
        )
        picked = rng.sample(trades, 3)
        comp_trades += [{"competition_id": pk, "trade_id": t.pk} for t in picked]
        titles = (expert, model_) if by_county_level else (post,)
        comp_titles += [{"competition_id": pk, "title_id": t.pk} for t in titles]
        pool = by_county[county] if by_county_level else by_town.get(org) or by_county[county]
        plan.append((pk, [t.pk for t in picked], rng.sample(pool, min(sizes[n], len(pool)))))
    through_trades = Competition.trades.through
    through_titles = Competition.titles.through
    copy_rows(raw, Competition, comps, {})
    copy_rows(raw, through_trades, ({"id": i + 1, **r} for i, r in enumerate(comp_trades)), {})
    copy_rows(raw, through_titles, ({"id": i + 1, **r} for i, r in enumerate(comp_titles)), {})

    entry_id = score_id = 0
    entries, scores = [], []
    for pk, trade_ids, people in plan:
        for index, (member, org, anchor) in enumerate(people):
            entry_id += 1
            roll = rng.random()
            status = "registered" if roll < 0.95 else ("waiting" if roll < 0.98 else "withdrawn")
            entries.append(
                {
                    "id": entry_id,
                    "created_at": STAMP,
                    "updated_at": STAMP,
                    "org_id": org,
                    "org_anchor_id": anchor,
                    "competition_id": pk,
                    "trade_id": trade_ids[index % 3],
                    "member_id": member,
                    "channel": "staff",
                    "status": status,
                    "registered_at": STAMP,
                    "rounds_scored": 0,
                }
            )
            if status != "registered":
                continue
            for round_ in (1, 2, 3):
                roll = rng.random()
                if roll < 0.01:
                    continue  # no score this round
                score_id += 1
                absent = roll < 0.02
                scores.append(
                    {
                        "id": score_id,
                        "entry_id": entry_id,
                        "round": round_,
                        "theory": None if absent else half_points(rng, 55),
                        "practical": None if absent else half_points(rng, 50),
                        "absent": absent,
                        "entered_at": STAMP,
                    }
                )
    copy_rows(raw, Entry, entries, {})
    copy_rows(raw, Score, scores, {})

    pairs = []
    counties = tree["counties"]
    for n in range(args.pairs):
        county = counties[n % len(counties)]
        pool = by_county[county]
        master, (apprentice, org, anchor) = rng.sample(pool, 2)  # never their own master
        signed = today - datetime.timedelta(days=rng.randrange(4 * 365))
        roll = rng.random()
        status = "terminated" if roll < 0.05 else ("completed" if roll < 0.3 else "active")
        pairs.append(
            {
                "id": n + 1,
                "created_at": STAMP,
                "updated_at": STAMP,
                "org_id": org,
                "org_anchor_id": anchor,
                "master_id": master[0],
                "apprentice_id": apprentice,
                "trade_id": rng.choice(trades).pk,
                "county_id": county,
                "signed_on": signed,
                "starts_on": signed,
                "ends_on": signed + datetime.timedelta(days=365),
                "goals": "掌握本工种中级工技能",
                "reward_until": signed.replace(year=signed.year + 3)
                if not (signed.month == 2 and signed.day == 29)
                else signed + datetime.timedelta(days=3 * 365),
                "status": status,
                "result": "pass" if status == "completed" else "",
            }
        )
    copy_rows(raw, Mentorship, pairs, {})
    for table in (
        "workforce_competition",
        "workforce_competition_trades",
        "workforce_competition_titles",
        "workforce_entry",
        "workforce_score",
        "workforce_mentorship",
    ):
        raw.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"(SELECT COALESCE(max(id), 1) FROM {table}))"
        )
    return {"entries": len(entries), "scores": len(scores), "pairs": len(pairs)}


# --------------------------------------------------------------------------------------------
# The same work, row by row through the ORM
# --------------------------------------------------------------------------------------------

CENT = Decimal("0.01")


def _total(competition, scores) -> tuple[Decimal | None, int]:
    """The total and the number of complete rounds, by the rules ranking.py applies."""
    tw, pw = competition.theory_weight, competition.practical_weight
    scored, weighted_sum, final_sum = 0, Decimal(0), None
    for s in scores:
        if s.round > competition.rounds:
            continue
        complete = (
            not s.absent
            and (tw == 0 or s.theory is not None)
            and (pw == 0 or s.practical is not None)
        )
        weighted = (s.theory or 0) * tw + (s.practical or 0) * pw
        if complete:
            scored += 1
        if not s.absent:
            weighted_sum += weighted
        if s.round == competition.rounds and complete:
            final_sum = (final_sum or 0) + weighted
    if competition.round_rule == "last":
        total = None if final_sum is None else final_sum / 100
    elif scored == 0 or (scored < competition.rounds and competition.missing_round == "exclude"):
        total = None
    else:
        total = weighted_sum / 100
    return (None if total is None else Decimal(total).quantize(CENT, ROUND_HALF_UP)), scored


def row_by_row(competition_ids: list[int]) -> None:
    from django.db import transaction
    from django.utils import timezone

    from gonghui.workforce.competitions.models import (
        Award,
        AwardSource,
        Competition,
        Entry,
        EntryStatus,
        TitleRule,
    )
    from gonghui.workforce.honours.models import Honour, HonourKind
    from gonghui.workforce.mentorships.models import MentorReward, Mentorship, MentorshipPolicy

    with transaction.atomic():
        for competition in Competition.objects.filter(pk__in=competition_ids).select_related("org"):
            Honour.objects.filter(award__entry__competition=competition).delete()
            MentorReward.objects.filter(entry__competition=competition).delete()
            Award.objects.filter(entry__competition=competition, source=AwardSource.RULE).delete()
            rules = list(
                TitleRule.objects.filter(
                    org_id=competition.county_id, is_active=True, level=competition.level
                ).select_related("title")
            )
            allowed = set(competition.titles.values_list("id", flat=True))
            policy = MentorshipPolicy.objects.get(org_id=competition.county_id)
            by_trade: dict[int, list] = {}
            for entry in Entry.objects.filter(competition=competition):
                if entry.status != EntryStatus.REGISTERED:
                    entry.total, entry.rank, entry.rounds_scored = None, None, 0
                    entry.save(update_fields=["total", "rank", "rounds_scored"])
                    continue
                entry.total, entry.rounds_scored = _total(competition, list(entry.scores.all()))
                by_trade.setdefault(entry.trade_id, []).append(entry)
            for rows in by_trade.values():
                ranked = sorted((e for e in rows if e.total is not None), key=lambda e: -e.total)
                place, previous = 0, None
                for index, entry in enumerate(ranked, start=1):
                    if entry.total != previous:
                        place, previous = index, entry.total
                    entry.rank = place
                for entry in rows:
                    if entry.total is None:
                        entry.rank = None
                    entry.save(update_fields=["total", "rank", "rounds_scored"])
                    if entry.rank is None:
                        continue
                    for rule in rules:
                        if not rule.rank_from <= entry.rank <= rule.rank_to:
                            continue
                        if rule.contest_class and rule.contest_class != competition.contest_class:
                            continue
                        if rule.kind and rule.kind != competition.kind:
                            continue
                        title = rule.title if rule.title_id in allowed else None
                        if title is None and not rule.grade_steps:
                            continue
                        award = Award.objects.create(
                            entry=entry,
                            title=title,
                            grade_steps=rule.grade_steps,
                            source=AwardSource.RULE,
                            rule=rule,
                        )
                        if competition.status != "summary":
                            continue
                        Honour.objects.create(
                            org_id=entry.org_id,
                            kind=HonourKind.TITLE if title else HonourKind.GRADE,
                            name=title.name if title else "技能等级晋升",
                            level=competition.level,
                            year=competition.year,
                            awarded_on=competition.ends_on,
                            issuer=competition.organiser_name or competition.org.name,
                            member_id=entry.member_id,
                            enterprise_id=entry.employer_id,
                            title=title,
                            trade_id=entry.trade_id,
                            grade_steps=rule.grade_steps,
                            award=award,
                        )
                    if competition.status != "summary":
                        continue
                    placed = entry.rank <= policy.placing_rank
                    graded = Award.objects.filter(entry=entry, grade_steps__gt=0).exists()
                    if not (placed or graded):
                        continue
                    if MentorReward.objects.filter(apprentice_id=entry.member_id).exists():
                        continue
                    pair = (
                        Mentorship.objects.filter(
                            apprentice_id=entry.member_id,
                            signed_on__lte=competition.ends_on,
                            reward_until__gte=competition.ends_on,
                        )
                        .exclude(status="terminated")
                        .order_by("id")
                        .first()
                    )
                    if pair is not None:
                        MentorReward.objects.create(
                            mentorship=pair,
                            apprentice_id=entry.member_id,
                            entry=entry,
                            trigger="placing" if placed else "grade",
                            amount=policy.reward_amount,
                            achieved_on=competition.ends_on,
                            computed_at=timezone.now(),
                        )


def snapshot(competition_ids: list[int]) -> dict:
    from gonghui.workforce.competitions.models import Award, Entry
    from gonghui.workforce.honours.models import Honour

    return {
        "entries": set(
            Entry.objects.filter(competition_id__in=competition_ids).values_list(
                "id", "total", "rank", "rounds_scored"
            )
        ),
        "awards": sorted(
            Award.objects.filter(entry__competition_id__in=competition_ids).values_list(
                "entry_id", "title_id", "grade_steps"
            )
        ),
        "honours": sorted(
            Honour.objects.filter(award__entry__competition_id__in=competition_ids).values_list(
                "member_id", "kind", "name", "title_id", "grade_steps", "awarded_on"
            )
        ),
    }


# --------------------------------------------------------------------------------------------
# Where the set-based pass spends its time
# --------------------------------------------------------------------------------------------

VERB = re.compile(r"\b(INSERT INTO|UPDATE|DELETE FROM)\s+\"?(\w+)", re.IGNORECASE)


class StatementSplit:
    """A `connection.execute_wrapper` noting each statement of ranking.py's pass: the
    function that ran it, its verb and table, wall time, the database server's CPU time
    (its backend's utime + stime from /proc: steadier than wall time on a shared machine)
    and rows. With `explain`, every writing statement runs as EXPLAIN (ANALYZE, BUFFERS)
    instead (which executes it, so the data ends as after a normal pass; only the pass's
    returned counts are meaningless) and its plan is kept."""

    def __init__(self, explain: bool = False):
        self.explain = explain
        self.statements: list[tuple[str, float, float, int]] = []
        self.plans: dict[str, list[str]] = {}

    @staticmethod
    def server_cpu(connection) -> float:
        try:
            with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, AttributeError, IndexError, ValueError):
            return float("nan")  # not on this machine's /proc (or not PostgreSQL)

    def label(self, sql: str) -> str:
        frame = sys._getframe(2)
        while frame is not None and "ranking" not in Path(frame.f_code.co_filename).name:
            frame = frame.f_back
        caller = frame.f_code.co_name if frame is not None else "?"
        match = VERB.search(sql)
        what = f"{match.group(1).split()[0].upper()} {match.group(2)}" if match else "SELECT"
        label = f"{caller}: {what}"
        seen = sum(1 for other, *_rest in self.statements if other.split(" #")[0] == label)
        return label if not seen else f"{label} #{seen + 1}"

    def __call__(self, execute, sql, params, many, context):
        label = self.label(sql)
        explain = self.explain and VERB.search(sql) is not None
        cpu = self.server_cpu(context["connection"])
        started = time.perf_counter()
        if explain:
            result = execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params, many, context)
            self.plans[label] = [row[0] for row in context["cursor"].fetchall()]
        else:
            result = execute(sql, params, many, context)
        wall = time.perf_counter() - started
        cpu = self.server_cpu(context["connection"]) - cpu
        rows = -1 if explain else context["cursor"].rowcount
        self.statements.append((label, wall, cpu, rows))
        return result


def timed_pass(recompute, connection, explain: bool = False):
    """One pass under a StatementSplit; the pass's result, wall seconds and the split.
    What the statements do not account for is the commit (deferred foreign-key checks)
    and Python: noted as "commit and the rest"."""
    split = StatementSplit(explain)
    cpu = split.server_cpu(connection)
    started = time.perf_counter()
    with connection.execute_wrapper(split):
        result = recompute()
    wall = time.perf_counter() - started
    cpu = split.server_cpu(connection) - cpu
    split.statements.append(
        (
            "commit and the rest",
            wall - sum(s[1] for s in split.statements),
            cpu - sum(s[2] for s in split.statements),
            0,
        )
    )
    return result, wall, split


def print_split(splits: list[StatementSplit]) -> None:
    """One line per statement, one column (wall s, server CPU s, rows) per run."""
    labels = list(dict.fromkeys(s[0] for split in splits for s in split.statements))
    head = "".join(f"{f'run {n + 1}: wall  cpu     rows':>27}" for n in range(len(splits)))
    print(f"  {'statement (ranking.py function: verb table)':46}{head}")
    for label in [*labels, "all"]:
        cells = ""
        for split in splits:
            found = [s[1:] for s in split.statements if label in (s[0], "all")]
            wall, cpu = sum(f[0] for f in found), sum(f[1] for f in found)
            rows = "" if label == "all" else f"{sum(max(f[2], 0) for f in found):,}"
            cells += f"{wall:>11.2f}{cpu:>6.2f}{rows:>10}"
        print(f"  {label:46}{cells}")


# --------------------------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------------------------


def time_pages(client, urls: list[str], runs: int) -> tuple[list[float], int]:
    """Each URL `runs` times, interleaved; ms per request and queries of one request."""
    from django.db import connection

    for url in urls:  # warm-up (templates, prepared plans)
        assert client.get(url).status_code == 200, url
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(urls[0])
    times = []
    for _ in range(runs):
        for url in urls:
            t = time.perf_counter()
            response = client.get(url)
            times.append(1000 * (time.perf_counter() - t))
            assert response.status_code == 200, url
    return times, len(statements)


def run(args) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from member_list import load_members

    # Debug is off (as deployed) but nothing was collected: find assets in the apps' folders.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )

    from gonghui.orgs.models import Org
    from gonghui.testing.fixtures import make_user
    from gonghui.workforce.competitions import ranking
    from gonghui.workforce.competitions.models import Award, Competition, Entry
    from gonghui.workforce.honours.models import Honour
    from gonghui.workforce.mentorships.models import MentorReward

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    tree = build_province(args.counties, args.townships, args.grassroots)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        load_orgs(raw, tree)
        log(f"loaded {len(tree['kind']):,} orgs; COPY {args.members:,} members")
        load_members(raw, tree, args.members, rng)
        log("COPY competitions, entries, scores and mentor pairs")
        loaded = load_workforce(raw, args, tree, rng)
        cursor.execute("VACUUM (ANALYZE)")
    log(
        f"data ready: {args.competitions:,} competitions, {loaded['entries']:,} entries, "
        f"{loaded['scores']:,} scores, {loaded['pairs']:,} mentor pairs"
    )

    # Set-based: the app's own pass over everything, each statement timed.
    pass_times, splits = [], []
    for attempt in range(args.repeat):
        results, took, split = timed_pass(ranking.results_recompute, connection)
        pass_times.append(took)
        splits.append(split)
        log(
            f"set-based run {attempt + 1}: {took:.2f} s (rows written: {results.entries_changed:,} "
            f"entries, {results.awards:,} awards, {results.honours:,} honours, "
            f"{results.rewards:,} rewards)"
        )
    derived = (
        f"{Award.objects.count():,} awards, {Honour.objects.count():,} honours, "
        f"{MentorReward.objects.count():,} mentor rewards"
    )
    plans = None
    if args.explain:
        _result, _took, plans = timed_pass(ranking.results_recompute, connection, explain=True)
        log("one more pass under EXPLAIN (ANALYZE, BUFFERS)")

    # Row by row on a sample, compared with the set-based results.
    sample = sorted(rng.sample(list(Competition.objects.values_list("id", flat=True)), args.sample))
    expected = snapshot(sample)
    sample_entries = Entry.objects.filter(competition_id__in=sample).count()
    all_entries = Entry.objects.filter(competition__status__in=("running", "summary")).count()
    t = time.perf_counter()
    row_by_row(sample)
    loop_time = time.perf_counter() - t
    got = snapshot(sample)
    same = {key: got[key] == expected[key] for key in expected}
    extrapolated = loop_time * all_entries / max(1, sample_entries)
    log(f"row by row on {len(sample)} competitions ({sample_entries:,} entries): {loop_time:.2f} s")
    ranking.results_recompute()  # back to the app's own results for the pages

    # Pages: the fullest ledgers, the median county's statistics.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.member_id, COUNT(*) FROM workforce_entry e
            WHERE e.member_id IN (SELECT member_id FROM workforce_honour WHERE member_id IS NOT NULL)
              AND e.member_id IN (SELECT apprentice_id FROM workforce_mentorship)
            GROUP BY e.member_id ORDER BY COUNT(*) DESC, e.member_id LIMIT %s
            """,
            [args.pages],
        )
        ledger_members = [pk for pk, _n in cursor.fetchall()]
        cursor.execute(
            "SELECT county_id, COUNT(*) FROM workforce_entry e JOIN workforce_competition c "
            "ON c.id = e.competition_id GROUP BY county_id ORDER BY 2, 1"
        )
        counties = cursor.fetchall()
    county_id, county_entries = counties[len(counties) // 2]
    county_user = make_user("bench_county", "county_admin", Org.objects.get(pk=county_id))
    root_user = make_user("bench_province", "county_admin", Org.objects.get(pk=1))
    clients = {}
    for who, user in (("county", county_user), ("province", root_user)):
        clients[who] = Client()
        clients[who].force_login(user)
    year = datetime.date.today().year
    ledger_times, ledger_q = time_pages(
        clients["province"],
        [f"/workforce/honours/members/{pk}/" for pk in ledger_members],
        args.runs,
    )
    stats_times, stats_q = time_pages(
        clients["county"], [f"/workforce/stats/?year={year}"], args.runs * 3
    )
    province_times, province_q = time_pages(
        clients["province"], [f"/workforce/stats/?year={year}"], max(3, args.runs)
    )
    rows_of = Honour.objects.filter(member_id__in=ledger_members).count() / max(
        1, len(ledger_members)
    )
    entries_of = Entry.objects.filter(member_id__in=ledger_members).count() / max(
        1, len(ledger_members)
    )

    load = os.getloadavg()
    best = statistics.median(pass_times)
    ratio = extrapolated / best
    print()
    print(
        f"Workforce: {args.competitions:,} competitions, {loaded['entries']:,} entrants, "
        f"{loaded['scores']:,} scores (3 rounds), {loaded['pairs']:,} mentor pairs, "
        f"{args.members:,} members, {len(tree['kind']):,} orgs"
    )
    print(f"  {'':52} {'seconds':>10}")
    print(
        f"  {'set-based: results_recompute() over everything':52} {best:>10.2f}   "
        f"median of {len(pass_times)}, {min(pass_times):.2f}–{max(pass_times):.2f}"
    )
    print(
        f"  {f'row by row (ORM) on {len(sample)} competitions, {sample_entries:,} entries':52} "
        f"{loop_time:>10.2f}"
    )
    print(
        f"  {'row by row, EXTRAPOLATED to ' + f'{all_entries:,} entries':52} {extrapolated:>10.2f}"
    )
    print(f"  {'ratio: row by row (extrapolated) ÷ set-based':52} {ratio:>10.1f}×")
    print(
        f"  target: set-based ≤ {TARGET_PASS_S:.0f} s → {'met' if best <= TARGET_PASS_S else 'NOT met'};"
        f" ≥ {TARGET_RATIO:.0f}× → {'met' if ratio >= TARGET_RATIO else 'NOT met'}"
    )
    print(
        "  sample check (row by row = set-based): "
        + ", ".join(f"{key} {'equal' if ok else 'DIFFER'}" for key, ok in same.items())
        + f"; mentor rewards now {MentorReward.objects.count():,}"
    )
    print()
    print(f"  {'page (test Client, server side)':52} {'median':>8} {'p95':>8} {'queries':>8}")
    for label, times, queries, target in (
        (
            f"member ledger, {len(ledger_members)} fullest ({entries_of:.0f} entries, "
            f"{rows_of:.0f} honours avg)",
            ledger_times,
            ledger_q,
            TARGET_LEDGER_MS,
        ),
        (
            f"statistics, median county ({county_entries:,} entries)",
            stats_times,
            stats_q,
            TARGET_STATS_MS,
        ),
        ("statistics, province root (all, for contrast)", province_times, province_q, None),
    ):
        median = statistics.median(times)
        verdict = "" if target is None else (" met" if median <= target else " NOT met")
        print(
            f"  {label:52} {median:>8.1f} {pct(times, 95):>8.1f} {queries:>8}"
            + (f"   target ≤ {target:.0f} ms →{verdict}" if target else "")
        )
    print()
    print(
        "  set-based pass, statement by statement (wall seconds; the database server's CPU "
        "seconds; rows written)"
    )
    print_split(splits)
    print(f"  after the pass: {derived}")
    if plans is not None:
        slowest = sorted(plans.statements, key=lambda s: -s[1])
        for label, took, _cpu, _rows in slowest[:3]:
            if label in plans.plans:
                print(f"\n  plan of {label} ({took:.2f} s):")
                print("\n".join(f"    {line}" for line in plans.plans[label]))
    print(f"  load average at start of the print: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    return 0 if all(same.values()) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counties", type=int, default=100)
    parser.add_argument("--townships", type=int, default=12, help="per county")
    parser.add_argument("--grassroots", type=int, default=25, help="per township")
    parser.add_argument("--members", type=int, default=400_000)
    parser.add_argument("--competitions", type=int, default=2_000)
    parser.add_argument("--entrants", type=int, default=500_000)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=20, help="competitions done row by row")
    parser.add_argument("--repeat", type=int, default=3, help="set-based runs (median)")
    parser.add_argument("--pages", type=int, default=30, help="member ledgers timed")
    parser.add_argument("--runs", type=int, default=5, help="rounds over the pages")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--explain",
        action="store_true",
        help="one more set-based pass under EXPLAIN (ANALYZE, BUFFERS): plans of its 3 slowest",
    )
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-workforce-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(extra_conf={"maintenance_work_mem": "'256MB'", "autovacuum": "off"})
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_ALLOWED_HOSTS"] = "testserver"
        os.environ["GONGHUI_HTTPS"] = "0"  # the test Client speaks plain HTTP (no redirect)
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ["GONGHUI_LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log("cluster stopped and removed")


if __name__ == "__main__":
    sys.exit(main())
