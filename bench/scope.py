"""Scope benchmark: the app's scoped enterprise list vs the same query unscoped.

Issue 2 target: on PostgreSQL with 100,000 orgs and 1,000,000 org-owned rows, the scoped
list query costs at most 1.5x the same query without the scope.

The scope now uses the township anchor (`Org.anchor`, `OrgOwned.org_anchor`, index
`enterprise_anchor_id` on (org_anchor, id)); `gonghui.core.scope.scope_queryset` turns a
scope root that is its own anchor into `org_anchor IN (...)` and keeps the path subquery
for other roots. settings.py connects with `-c random_page_cost=1.1`.

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; bulk-load a county tree of orgs (COPY, with `anchor_id` filled by the same rule
   as `org_create`) and enterprises (INSERT ... SELECT from a COPYed slot table, with
   `org_anchor_id` copied from the org as `OrgOwned.save()` does), then VACUUM ANALYZE;
2. check the anchors: every org against the rule computed from its path, every enterprise
   against its org, a sample against `_anchor_id_for`, and `org_anchor_sync` on the
   township must find nothing to change;
3. create a township staff user, a county admin and a grassroots (village) user;
4. time each list shape through the real `enterprise_list(user, ...)`: "scoped" (the app as
   is), "unscoped" (scope_queryset patched to a no-op) and, where its SQL differs,
   "before" (the previous scope, `org_id IN (SELECT id FROM orgs_org WHERE path LIKE ...)`),
   ORM end to end and SQL only, interleaving the variants run by run; every variant that
   applies the scope must return exactly the same rows; print a table with the 1.5x
   PASS/FAIL per row;
5. write EXPLAIN (ANALYZE, BUFFERS) plans to bench/out/scope_plans.txt, including the
   township shapes at PostgreSQL's default random_page_cost = 4 for comparison.

Run:  .venv/bin/python bench/scope.py            (about 2-3 minutes on 2 cores)
      .venv/bin/python bench/scope.py --orgs 20000 --rows 200000 --runs 50 --budget 1
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

T0 = time.perf_counter()
TARGET = 1.5


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# The org tree
# --------------------------------------------------------------------------------------------

# Share of a township's orgs by kind (the rest are enterprise unions).
DIRECT_SHARES = {"community": 0.10, "joint": 0.04, "industry": 0.01, "institution": 0.05}
BRANCH_SHARE = 0.04  # enterprise unions with a sub-union (分工会) one level deeper
# Where ordinary enterprise unions hang: under the township, a joint union, or a village.
ENTERPRISE_PARENTS = {"township": 0.45, "joint": 0.35, "community": 0.20}
# Enterprises covered per org, by org kind (relative weights for the 1M owned rows).
COVER_WEIGHT = {
    "federation": 0.0,
    "township": 1500.0,
    "park": 1500.0,
    "community": 30.0,
    "joint": 25.0,
    "industry": 20.0,
    "institution": 1.0,
    "enterprise": 1.6,
    "branch": 0.0,
}
TYPE_LABEL = {
    "federation": "总工会",
    "township": "镇总工会",
    "park": "园区工会",
    "community": "村(社区)工会",
    "joint": "联合工会",
    "industry": "行业工会",
    "institution": "机关事业单位工会",
    "enterprise": "企业工会",
    "branch": "分工会",
}


def build_tree(n_orgs: int, n_townships: int, rng: random.Random) -> dict[str, list]:
    """A county tree: root, townships/parks, villages, joint/industry unions, enterprise unions.

    Returns parallel lists indexed by id - 1 (ids 1..n): parent id, kind, depth, path, level
    and anchor (the topmost ancestor-or-self at township level or below).
    Ids are handed out level by level in random order, so a township's orgs are spread over
    the id range as they would be after years of data entry.
    """
    kinds = ["federation"]
    parents: list[int | None] = [None]
    for t in range(n_townships):
        kinds.append("park" if t % 7 == 6 else "township")
        parents.append(0)
    budget_total = n_orgs - 1 - n_townships
    weights = [rng.lognormvariate(0, 0.45) for _ in range(n_townships)]
    budgets = [int(budget_total * w / sum(weights)) for w in weights]
    budgets[0] += budget_total - sum(budgets)
    for t, budget in enumerate(budgets):
        town = 1 + t
        by_kind: dict[str, list[int]] = {"township": [town]}
        made = 0
        for kind, share in DIRECT_SHARES.items():
            for _ in range(max(1, round(budget * share))):
                kinds.append(kind)
                parents.append(town)
                by_kind.setdefault(kind, []).append(len(kinds) - 1)
                made += 1
        rest = budget - made
        branches = round(rest * BRANCH_SHARE)
        enterprises: list[int] = []
        where = list(ENTERPRISE_PARENTS)
        shares = list(ENTERPRISE_PARENTS.values())
        for _ in range(rest - branches):
            parent = rng.choice(by_kind[rng.choices(where, shares)[0]])
            kinds.append("enterprise")
            parents.append(parent)
            enterprises.append(len(kinds) - 1)
        for _ in range(branches):
            kinds.append("branch")
            parents.append(rng.choice(enterprises))
    n = len(kinds)
    depth = [0] * n
    for i in range(1, n):
        depth[i] = depth[parents[i]] + 1  # parents always precede children
    # Ids level by level, shuffled within a level (root 1, townships 2..T+1 in order).
    new_id = [0] * n
    next_id = 1
    for level in range(max(depth) + 1):
        members = [i for i in range(n) if depth[i] == level]
        if level >= 2:
            rng.shuffle(members)
        for i in members:
            new_id[i] = next_id
            next_id += 1
    order = sorted(range(n), key=lambda i: new_id[i])
    out_parent: list[int | None] = []
    out_kind: list[str] = []
    out_depth: list[int] = []
    out_path: list[str] = []
    out_level: list[int] = []
    out_anchor: list[int | None] = []
    for i in order:  # parents come before their children in id order
        oid = new_id[i]
        parent_id = new_id[parents[i]] if parents[i] is not None else None
        level = org_level(kinds[i], depth[i])
        parent_path = out_path[parent_id - 1] if parent_id else "/"
        parent_anchor = out_anchor[parent_id - 1] if parent_id else None
        out_parent.append(parent_id)
        out_kind.append(kinds[i])
        out_depth.append(depth[i])
        out_path.append(f"{parent_path}{oid}/")
        out_level.append(level)
        out_anchor.append(anchor_for(parent_id, parent_anchor, level, oid))
    return {
        "parent": out_parent,
        "kind": out_kind,
        "depth": out_depth,
        "path": out_path,
        "level": out_level,
        "anchor": out_anchor,
    }


def org_level(kind: str, depth: int) -> int:
    """OrgLevel: the county root 4, townships/parks 5, grassroots 6, sub-unions (分工会) 7."""
    if depth <= 1:
        return 4 + depth
    return 7 if kind == "branch" else 6


def anchor_for(parent_id: int | None, parent_anchor: int | None, level: int, oid: int):
    """Org.anchor as the services set it (`_anchor_id_for`): inherit the parent's anchor,
    else an org at township level (5) or below anchors itself, else NULL (county and up)."""
    if parent_id is not None and parent_anchor is not None:
        return parent_anchor
    return oid if level >= 5 else None


def load_orgs(cursor, tree: dict[str, list]) -> None:
    db_type = {"branch": "enterprise"}
    columns = (
        "id, created_at, updated_at, name, short_name, code, parent_id, path, anchor_id, depth,"
        " type, level, division_code, status, deactivation_reason, chair_name, contact_phone,"
        " address, version"
    )
    with cursor.copy(f"COPY orgs_org ({columns}) FROM STDIN") as copy:
        for i, kind in enumerate(tree["kind"]):
            oid = i + 1
            name = "某某县总工会" if oid == 1 else f"{TYPE_LABEL[kind]}{oid:06d}"
            copy.write_row(
                (
                    oid, "2024-01-01 00:00+08", "2024-01-01 00:00+08", name, "",
                    "ROOT" if oid == 1 else f"B{oid:08d}", tree["parent"][i], tree["path"][i],
                    tree["anchor"][i], tree["depth"][i], db_type.get(kind, kind),
                    tree["level"][i], "", "active", "", "", "", "", 1,
                )
            )  # fmt: skip
    cursor.execute("SELECT setval(pg_get_serial_sequence('orgs_org', 'id'), max(id)) FROM orgs_org")


# Enterprise names: place + word + suffix, so `q` searches have realistic selectivity.
PLACES = [
    "青山",
    "金桥",
    "东湖",
    "南岭",
    "长兴",
    "华联",
    "宏达",
    "新城",
    "永安",
    "恒通",
    "瑞丰",
    "天成",
    "安平",
    "汇源",
    "鑫旺",
    "明珠",
]
WORDS = [
    "科技",
    "机械",
    "电子",
    "食品",
    "纺织",
    "建材",
    "物流",
    "商贸",
    "餐饮",
    "化工",
    "制衣",
    "家具",
    "印刷",
    "汽配",
    "农业",
    "包装",
    "五金",
    "塑业",
    "木业",
    "环保",
]
SUFFIXES = ["有限公司", "股份有限公司", "厂", "合作社", "经营部", "商行"]
# GB/T 4754 sections with a county-like skew (manufacturing and trade dominate).
INDUSTRIES = list("CCCCCFFFFEEGGHHIKLMOAAPQR")


def load_enterprises(cursor, tree: dict[str, list], n_rows: int, rng: random.Random) -> None:
    """1M enterprises: each is covered by an org drawn by kind weight; ids unrelated to orgs.
    `org_anchor_id` is the covering org's `anchor_id`, as OrgOwned.save() sets it."""
    ids = list(range(1, len(tree["kind"]) + 1))
    weights = [COVER_WEIGHT[k] for k in tree["kind"]]
    org_of = rng.choices(ids, weights=weights, k=n_rows)
    cursor.execute("CREATE TEMP TABLE bench_slot (g bigint PRIMARY KEY, org_id bigint)")
    with cursor.copy("COPY bench_slot (g, org_id) FROM STDIN") as copy:
        for chunk in range(0, n_rows, 100_000):
            copy.write(
                "".join(
                    f"{g + 1}\t{org_of[g]}\n" for g in range(chunk, min(n_rows, chunk + 100_000))
                )
            )

    def arr(values: list[str]) -> str:
        return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"

    def pick(values: list[str], salt: int) -> str:
        return f"({arr(values)})[1 + (abs(hashint8(s.g # {salt})) % {len(values)})]"

    # Foreign keys are checked by triggers; a bulk load of known-good ids skips them.
    cursor.execute("SET session_replication_role = replica")
    cursor.execute(
        f"""
        INSERT INTO orgs_enterprise (
            id, created_at, updated_at, org_id, org_anchor_id, name, credit_code, industry, size,
            economic_type, employee_count, has_union, union_id, division_code, address,
            legal_representative, contact_name, contact_phone, contact_phone_hash, status, version)
        SELECT s.g,
               timestamptz '2020-01-01' + s.g * interval '1 minute',
               timestamptz '2020-01-01' + s.g * interval '1 minute',
               s.org_id, o.anchor_id,
               {pick(PLACES, 11)} || {pick(WORDS, 23)} || {pick(SUFFIXES, 37)},
               '91' || lpad(s.g::text, 16, '0'),
               {pick(INDUSTRIES, 41)},
               {pick(["micro", "micro", "small", "small", "small", "medium", "large"], 53)},
               'private', abs(hashint8(s.g # 61)) % 800,
               o.type = 'enterprise', CASE WHEN o.type = 'enterprise' THEN o.id END,
               '', '', '', '', '', '',
               CASE WHEN abs(hashint8(s.g # 71)) % 20 = 0 THEN 'closed' ELSE 'active' END, 1
        FROM bench_slot s JOIN orgs_org o ON o.id = s.org_id
        """
    )
    cursor.execute("SET session_replication_role = DEFAULT")
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('orgs_enterprise', 'id'), max(id)) "
        "FROM orgs_enterprise"
    )
    cursor.execute("DROP TABLE bench_slot")


def verify_anchors(cursor, town_id: int, town_rows: int, rng: random.Random) -> str:
    """The loaded anchors must be exactly what the services would have written."""
    from gonghui.orgs.models import Enterprise, Org
    from gonghui.orgs.services import _anchor_id_for, org_anchor_sync

    problems: list[str] = []
    # Every org: the topmost ancestor-or-self with level >= 5, read off its path.
    cursor.execute(
        """
        SELECT count(*) FROM orgs_org o
        WHERE o.anchor_id IS DISTINCT FROM (
            SELECT a.id
            FROM unnest(string_to_array(btrim(o.path, '/'), '/')::bigint[])
                 WITH ORDINALITY AS p(id, n)
            JOIN orgs_org a ON a.id = p.id
            WHERE a.level >= 5 ORDER BY p.n LIMIT 1)
        """
    )
    if bad := cursor.fetchone()[0]:
        problems.append(f"{bad} orgs whose anchor is not their topmost level>=5 ancestor")
    # Every enterprise: org_anchor = its org's anchor.
    cursor.execute(
        "SELECT count(*) FROM orgs_enterprise e JOIN orgs_org o ON o.id = e.org_id "
        "WHERE e.org_anchor_id IS DISTINCT FROM o.anchor_id"
    )
    if bad := cursor.fetchone()[0]:
        problems.append(f"{bad} enterprises whose org_anchor is not their org's anchor")
    cursor.execute("SELECT count(*) FROM orgs_enterprise WHERE org_anchor_id = %s", [town_id])
    if (anchored := cursor.fetchone()[0]) != town_rows:
        problems.append(f"township has {town_rows} enterprises but {anchored} anchored to it")
    # A sample through the service's own rule, parent as the ORM loads it.
    n_orgs = Org.objects.count()
    sample = set(rng.sample(range(1, n_orgs + 1), min(n_orgs, 3000))) | {1, town_id}
    checked = 0
    for org in Org.objects.filter(pk__in=sample).select_related("parent"):
        checked += 1
        if org.anchor_id != _anchor_id_for(org.parent, org.level, org.pk):
            problems.append(f"org {org.pk}: anchor {org.anchor_id}, service rule differs")
    rows = rng.sample(range(1, Enterprise.objects.count() + 1), 3000)
    for enterprise in Enterprise.objects.filter(pk__in=rows).select_related("org"):
        if enterprise.org_anchor_id != enterprise.org.anchor_id:
            problems.append(f"enterprise {enterprise.pk}: org_anchor differs from its org")
    # The service that recomputes a subtree's anchors must find nothing to change.
    if changed := org_anchor_sync(Org.objects.get(pk=town_id)):
        problems.append(f"org_anchor_sync changed {changed} orgs in the township")
    if problems:
        raise SystemExit("anchor check failed:\n  " + "\n  ".join(problems[:20]))
    return (
        f"anchors OK: all {n_orgs:,} orgs match the path rule, all enterprises match their org, "
        f"{checked:,} sampled orgs match _anchor_id_for, org_anchor_sync(township) changed 0"
    )


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def time_interleaved(
    variants: dict[str, Callable[[], object]],
    runs: int,
    warmup: int,
    budget_s: float,
    min_runs: int = 5,
) -> dict[str, list[float]]:
    """Time each variant up to `runs` times, round-robin so drift and other load on the
    machine hit all variants alike; ms per call. Stops early (after at least `min_runs`
    rounds) once `budget_s` is spent, so slow variants cannot stretch the run."""
    start = time.perf_counter()
    for _ in range(max(1, warmup)):
        for fn in variants.values():
            fn()
        if time.perf_counter() - start > budget_s / 4:
            break
    times: dict[str, list[float]] = {name: [] for name in variants}
    deadline = time.perf_counter() + budget_s
    for i in range(runs):
        for name, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - t0) * 1000)
        if i + 1 >= min_runs and time.perf_counter() > deadline:
            break
    return times


def pad(text: str, width: int) -> str:
    """Left-justify to a terminal width, counting CJK characters as two columns."""
    import unicodedata

    out, used = "", 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width:
            break
        out, used = out + ch, used + w
    return out + " " * (width - used)


def med(times: list[float]) -> float:
    return statistics.median(times)


# --------------------------------------------------------------------------------------------
# Scope variants (drop-in replacements for selectors.scope_queryset)
# --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def scope_swapped(replacement):
    """Run the real selectors with another scope_queryset (None: the app's own)."""
    import gonghui.orgs.selectors as selectors

    original = selectors.scope_queryset
    if replacement is not None:
        selectors.scope_queryset = replacement
    try:
        yield
    finally:
        selectors.scope_queryset = original


def no_scope(queryset, user, module, action, *, org_field="org"):
    return queryset


def scope_before(queryset, user, module, action, *, org_field="org"):
    """The scope before the anchor: `org_id IN (SELECT id FROM orgs_org WHERE path LIKE ..)`."""
    from gonghui.core.scope import scope_paths, scope_q
    from gonghui.orgs.models import Org

    paths = scope_paths(user, module, action)
    subtree_ids = Org.objects.filter(scope_q(paths, "path")).values("id")
    return queryset.filter(**{f"{org_field}__in": subtree_ids})


SCOPES: dict[str, Callable | None] = {
    "scoped": None,  # the app as is
    "unscoped": no_scope,
    "before": scope_before,
}


def last_sql(fn: Callable[[], object]) -> str:
    """The SQL of the last query fn() runs (the list or count itself), literals inlined."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return captured.captured_queries[-1]["sql"]


def run_sql(sql: str) -> Callable[[], object]:
    """Replay SQL through Django's cursor (no parameters, so '%' stays literal)."""
    from django.db import connection

    def fn():
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    return fn


def explain(
    fn: Callable[[], object], title: str, fh, settings: dict[str, str] | None = None
) -> list[str]:
    """EXPLAIN ANALYZE the last query fn() runs (under `settings`); write it to fh."""
    from django.db import connection

    sql = last_sql(fn)
    with connection.cursor() as cursor:
        for key, value in (settings or {}).items():
            cursor.execute(f"SET {key} = {value}")
        try:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS, SETTINGS) " + sql)
            lines = [row[0] for row in cursor.fetchall()]
        finally:
            for key in settings or {}:
                cursor.execute(f"RESET {key}")
    shown = sql if len(sql) < 2000 else sql[:2000] + " ..."
    fh.write(f"==== {title}\n{shown}\n\n" + "\n".join(lines) + "\n\n")
    return lines


def plan_summary(lines: list[str]) -> str:
    """The access path on the enterprise table and the execution time, in one line."""
    scans = [
        line.strip().split("  (")[0].lstrip("-> ")
        for line in lines
        if "on orgs_enterprise" in line and ("Scan" in line)
    ]
    total = next((line.strip() for line in lines if line.startswith("Execution Time")), "")
    return f"{'; '.join(scans) or '?'} | {total}"


# --------------------------------------------------------------------------------------------
# The benchmark proper
# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orgs", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--budget", type=float, default=2.5, help="seconds of timing per row (ORM; SQL gets half)"
    )
    parser.add_argument("--seed", type=int, default=2)
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-var-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(extra_conf={"maintenance_work_mem": "'256MB'", "autovacuum": "off"})
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log("cluster stopped and removed")


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        version = connection.connection.info.server_version
        server_version = f"{version // 10000}.{version % 10000}"
        cursor.execute("SHOW random_page_cost")
        rpc = cursor.fetchone()[0]
        log(f"PostgreSQL {server_version}; the app's connection has random_page_cost = {rpc}")
        rng = random.Random(args.seed)
        log(f"building an org tree of {args.orgs:,} orgs under {args.townships} townships")
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(cursor, tree)
        log(f"loaded orgs (max depth {max(tree['depth'])}); loading {args.rows:,} enterprises")
        load_enterprises(cursor, tree, args.rows, rng)
        log("VACUUM ANALYZE")
        cursor.execute("VACUUM (ANALYZE) orgs_org")
        cursor.execute("VACUUM (ANALYZE) orgs_enterprise")
        cursor.execute(
            """
            SELECT c.relname, pg_size_pretty(pg_relation_size(c.oid))
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = 'orgs_enterprise'::regclass ORDER BY 1
            """
        )
        sizes = ", ".join(f"{name} {size}" for name, size in cursor.fetchall())
        cursor.execute("SELECT pg_size_pretty(pg_relation_size('orgs_enterprise'))")
        log(f"orgs_enterprise heap {cursor.fetchone()[0]}; indexes: {sizes}")

        # The township of median size is "the" township user; also a county admin and a
        # village (community) of median size inside that township.
        cursor.execute(
            """
            SELECT t.id, t.path,
                   (SELECT count(*) FROM orgs_org o WHERE o.path LIKE t.path || '%'),
                   (SELECT count(*) FROM orgs_enterprise e JOIN orgs_org o ON o.id = e.org_id
                     WHERE o.path LIKE t.path || '%')
            FROM orgs_org t WHERE t.depth = 1 ORDER BY 4
            """
        )
        townships = cursor.fetchall()
        town_id, town_path, town_orgs, town_rows = townships[len(townships) // 2]
        cursor.execute(
            """
            SELECT o.id, count(*) FROM orgs_org o JOIN orgs_enterprise e ON e.org_id = o.id
            WHERE o.type = 'community' AND o.path LIKE %s GROUP BY o.id ORDER BY 2, 1
            """,
            [town_path + "%"],
        )
        villages = cursor.fetchall()
        village_id, village_rows = villages[len(villages) // 2]
        log(
            f"township #{town_id} {town_path}: {town_orgs:,} orgs, {town_rows:,} enterprises "
            f"({100 * town_rows / args.rows:.1f}%); townships range {townships[0][3]:,}"
            f"-{townships[-1][3]:,} enterprises; village #{village_id}: {village_rows} enterprises"
        )
        log("checking the anchors against the services' rule")
        log(verify_anchors(cursor, town_id, town_rows, rng))

    from gonghui.accounts.models import Role, RoleAssignment, RoleCode, User
    from gonghui.core.modules import Action
    from gonghui.core.scope import clear_scope_cache, scope_queryset, scope_roots
    from gonghui.orgs.models import Enterprise, Org
    from gonghui.orgs.selectors import enterprise_list

    roles = {r.code: r for r in Role.objects.all()}

    def make_user(username: str, org_id: int, role: str) -> User:
        org = Org.objects.get(pk=org_id)
        user = User.objects.create(username=username, org=org, full_name=username)
        RoleAssignment.objects.create(user=user, org=org, role=roles[role])
        return user

    users = {
        "township": make_user("bench_township", town_id, RoleCode.TOWNSHIP_STAFF),
        "county": make_user("bench_county", 1, RoleCode.COUNTY_ADMIN),
        "village": make_user("bench_village", village_id, RoleCode.GRASSROOTS_STAFF),
    }
    for who, user in users.items():
        roots = scope_roots(user, "orgs", Action.VIEW)  # warms the per-request cache
        log(f"{who} user scope roots: {roots}")

    shapes: list[tuple[str, dict, str]] = [
        ("list (no filter)", {}, "list"),
        ("q=科技 (name contains)", {"q": "科技"}, "list"),
        ("q=青山科技 (rare name)", {"q": "青山科技"}, "list"),
        ("industry=C & has_union=1", {"industry": "C", "has_union": "1"}, "list"),
        ("industry=I & size=large", {"industry": "I", "size": "large"}, "list"),
        ("count(): list (paginator)", {}, "count"),
        ("count(): industry=C & has_union=1", {"industry": "C", "has_union": "1"}, "count"),
    ]

    def orm(user, filters, scope, op="list") -> Callable[[], object]:
        def fn():
            with scope_swapped(scope):
                queryset = enterprise_list(user, **filters)
                return list(queryset[:50]) if op == "list" else queryset.count()

        return fn

    def result_key(result):
        return result if isinstance(result, int) else [row.pk for row in result]

    results: list[dict] = []
    mismatches: list[str] = []

    def bench_row(who: str, user, label: str, filters: dict, op: str) -> None:
        sql = {name: last_sql(orm(user, filters, scope, op)) for name, scope in SCOPES.items()}
        names = ["scoped", "unscoped"] + (["before"] if sql["before"] != sql["scoped"] else [])
        # Every variant that applies the scope must return exactly the same rows.
        expected = result_key(orm(user, filters, scope_before, op)())
        got = result_key(orm(user, filters, SCOPES["scoped"], op)())
        if got != expected:
            mismatches.append(f"{who}: {label}")
            print(f"  !! scoped returns different rows than before for {who}: {label}")
        orm_times = time_interleaved(
            {n: orm(user, filters, SCOPES[n], op) for n in names},
            args.runs, args.warmup, args.budget,
        )  # fmt: skip
        sql_times = time_interleaved(
            {n: run_sql(sql[n]) for n in names}, args.runs, args.warmup, args.budget / 2
        )
        n = len(expected) if op == "list" else expected
        results.append(
            {"label": f"{who}: {label}", "orm": orm_times, "sql": sql_times, "n": n, "op": op}
        )
        before = (
            f"; before {med(orm_times['before']):.2f}" if "before" in orm_times else " (= before)"
        )
        log(
            f"{who}: {label}: scoped {med(orm_times['scoped']):.2f} ms vs unscoped "
            f"{med(orm_times['unscoped']):.2f}{before} ({op}: {n})"
        )

    log(f"timing: up to {args.runs} runs per variant, {args.budget:.1f}s budget per row")
    for who in ("township", "county", "village"):
        for label, filters, op in shapes:
            bench_row(who, users[who], label, filters, op)

    # The literal reference the issue names: Enterprise.objects.order_by("-id")[:50].
    township_user = users["township"]
    bare = time_interleaved(
        {
            "scoped": lambda: list(
                scope_queryset(Enterprise.objects.all(), township_user, "orgs", "view")
                .order_by("-id")[:50]
            ),
            "unscoped": lambda: list(Enterprise.objects.order_by("-id")[:50]),
            "before": lambda: list(
                scope_before(Enterprise.objects.all(), township_user, "orgs", "view")
                .order_by("-id")[:50]
            ),
        },
        args.runs, args.warmup, args.budget,
    )  # fmt: skip
    results.append(
        {"label": "township: bare order_by(-id)[:50]", "orm": bare, "sql": None, "n": 50}
    )

    # Per-request cost of resolving the scope itself (one RoleAssignment query).
    def resolve_scope():
        clear_scope_cache(township_user)
        return scope_roots(township_user, "orgs", Action.VIEW)

    scope_cost = time_interleaved({"scope_roots": resolve_scope}, args.runs, 5, 2)["scope_roots"]

    print_table(results, scope_cost, rpc)

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    plans_path = OUT_DIR / "scope_plans.txt"
    with plans_path.open("w") as fh:
        fh.write(
            f"PostgreSQL {server_version}; {args.orgs:,} orgs, {args.rows:,} enterprises; "
            f"township #{town_id} {town_path}: {town_orgs:,} orgs, {town_rows:,} enterprises; "
            f"random_page_cost {rpc} unless stated\n\n"
        )
        summaries: list[str] = []
        for who in ("township", "county", "village"):
            for label, filters, op in shapes:
                for name, scope in SCOPES.items():
                    lines = explain(
                        orm(users[who], filters, scope, op), f"{who} {name}: {label}", fh
                    )
                    if who == "township" and name == "scoped" and label.startswith("list"):
                        print("\nEXPLAIN ANALYZE, township scoped list (no filter):")
                        print("\n".join("  " + line for line in lines))
        # The same township shapes at PostgreSQL's default random_page_cost, to show what
        # the planner does with the anchor index without the SSD setting.
        for label, filters, op in shapes:
            lines = explain(
                orm(township_user, filters, None, op),
                f"township scoped: {label}, random_page_cost = 4 (PostgreSQL default)", fh,
                settings={"random_page_cost": "4"},
            )  # fmt: skip
            summaries.append(f"  {pad(label, 34)} {plan_summary(lines)}")
        print(
            "\nTownship scoped plans at random_page_cost = 4 (PostgreSQL's default), for contrast:"
        )
        print("\n".join(summaries))
    log(f"plans written to {plans_path.relative_to(ROOT)}")
    if mismatches:
        print(f"\nFAILED: scoped and before return different rows for {mismatches}")
        return 1
    print("\nrows: scoped and before return exactly the same rows for every shape and user")
    return 0


def print_table(results: list[dict], scope_cost: list[float], rpc: str) -> None:
    for kind, title in (
        ("orm", "ORM end to end: list(enterprise_list(user, ...)[:50]) or .count(), ms"),
        ("sql", "SQL only (the same compiled SQL, execute + fetchall), ms"),
    ):
        print(f"\n{title}; random_page_cost = {rpc}")
        header = (
            f"{'query':44} {'rows':>7} {'scoped med  p95':>16} {'unscoped med  p95':>18} {'n':>4}"
            f" {'ratio':>6} {f'<= {TARGET}x':>7}   {'before med':>10} {'ratio':>6}"
        )
        print(header)
        print("-" * len(header))
        for row in results:
            times = row[kind]
            if times is None:
                continue
            base = med(times["unscoped"])
            ratio = med(times["scoped"]) / base
            verdict = "PASS" if ratio <= TARGET else "FAIL"
            if "before" in times:
                before = f"{med(times['before']):10.2f} {med(times['before']) / base:6.2f}"
            else:
                before = f"{'(same SQL)':>10} {'':>6}"
            print(
                f"{pad(row['label'], 44)} {row['n']:>7} "
                f"{med(times['scoped']):7.2f} {pct(times['scoped'], 95):8.2f} "
                f"{med(times['unscoped']):9.2f} {pct(times['unscoped'], 95):8.2f} "
                f"{len(times['scoped']):4} {ratio:6.2f} {verdict:>7}   {before}"
            )
    print(
        "\n(same SQL): the scope root is not its own anchor (county, village), so the app "
        "emits the\nprevious subquery unchanged. rows: rows returned (list) or the count."
    )
    print(
        f"scope_roots() (once per request, RoleAssignment query): median "
        f"{med(scope_cost):.2f} ms, p95 {pct(scope_cost, 95):.2f} ms"
    )


if __name__ == "__main__":
    sys.exit(main())
