"""Member list benchmark: the list page and its searches at 1,000,000 members (issue 3).

Target: median <= 50 ms server time per request on PostgreSQL; no COUNT(*) over the whole
table on every page load (the list uses gonghui.core.paging.paginate_peek: no COUNT unless asked).

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; load a county tree with bench/scope.py's `build_tree`/`load_orgs` (20 townships,
   a few thousand grassroots unions; `anchor_id` by the services' rule);
2. load N members (default 1,000,000) with one COPY: org drawn by kind weight (township holding
   pools, villages, joint/industry unions, enterprise unions), ids in random org order, names
   drawn (Zipf-like) from a pool of 20,000 distinct names whose pinyin/initials come from the
   app's own `services.name_pinyin`, valid ID numbers (last 4 real), card numbers as
   `card_number_format` (MOD 11-2), forms/migrant/joined dates/3% deactivated like demo.py,
   `org_anchor_id` = the org's anchor. `id_number` and `phone` hold ONE fixed ciphertext each
   (encrypted once by the app's EncryptedTextField): the list defers both and never decrypts
   them. `id_number_hash`/`phone_hash` are unique stand-ins (blake2b), not keyed HMACs (full-ID
   search is not timed). No membership events (the list does not read them). VACUUM ANALYZE.
3. a county admin and a township staff user (township of median member count), real roles;
4. for each user x shape x page (1 and 50): "request" = the whole request through Django's test
   Client (middleware, view, selector, peek paginator (no COUNT), template rendering), "core" =
   selector + paginate_peek + fetching the page rows. All interleaved round-robin, >= 30 runs
   each; SQL queries per request counted with CaptureQueriesContext;
5. prints the table (PASS/FAIL vs 50 ms median of "request") and writes EXPLAIN (ANALYZE,
   BUFFERS) of the count and page queries of the slowest shapes to bench/out/member_list_plans.txt.

Run:  .venv/bin/python bench/member_list.py | tee bench/out/member_list_run.txt  (~4-5 min)
      .venv/bin/python bench/member_list.py --rows 200000 --runs 30              (quick look)
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import hashlib
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scope import build_tree, load_orgs, pad, pct, time_interleaved  # noqa: E402

T0 = time.perf_counter()
TARGET_MS = 50.0
NULL = "\\N"  # COPY text format


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


# --------------------------------------------------------------------------------------------
# Synthetic members
# --------------------------------------------------------------------------------------------

# Members per org, by kind (relative). Township/park = its holding pool (no clear employer).
MEMBER_WEIGHT = {
    "federation": 0.0,
    "township": 400.0,
    "park": 400.0,
    "community": 80.0,
    "joint": 150.0,
    "industry": 200.0,
    "institution": 60.0,
    "enterprise": 120.0,
    "branch": 30.0,
}
POOL_KINDS = {"township", "park", "community", "joint"}
ENTERPRISE_FORMS = [("standard", 92), ("security_guard", 3), ("truck_driver", 3), ("courier", 2)]
POOL_FORMS = [
    ("standard", 30), ("flexible", 12), ("courier", 12), ("food_delivery", 12),
    ("truck_driver", 8), ("ride_hailing", 8), ("domestic", 5), ("caregiver", 5),
    ("security_guard", 4), ("realty_agent", 2), ("mall_info", 2),
]  # fmt: skip
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅志海燕文辉鹏飞玉萍春晓东雪琴"
    "斌宇浩波林颖婷俊峰亮欣怡佳慧晨阳鑫凯新荣成龙"
)
AREAS_LOCAL = ["339901"]
AREAS_MIGRANT = ["349901", "369901", "419901", "429901", "439901", "519901", "529901"]
EDUCATION = ["master", "bachelor", "college", "secondary", "high", "junior", "primary"]
SKILL = ["none", "none", "none", "level5", "level4", "level3"]
POLITICAL = ["masses", "masses", "masses", "cyl", "cpc"]
COLUMNS = (
    "id, created_at, updated_at, org_id, org_anchor_id, card_number, name, name_pinyin,"
    " name_initials, name_grams, gender, birth_date, ethnicity, id_number, id_number_hash, id_last4, phone,"
    " phone_hash, phone_last4, education, skill_level, hukou_type, hukou_place,"
    " political_status, employer_id, is_migrant_worker, employment_form, joined_on, status,"
    " deactivated_on, deactivation_reason, version"
)


def mod11_2(body: str) -> str:
    """ISO 7064 MOD 11-2 check character (13 ≡ 2 mod 11, so int(body, 13) sums d·2^k)."""
    check = (1 - 2 * int(body, 13)) % 11
    return "X" if check == 10 else str(check)


def name_pool(rng: random.Random, size: int) -> list[tuple[str, str, str, str]]:
    from gonghui.members.services import name_search_fields

    # Common surnames far more common (王/李/张 ~ 7% each in reality).
    s_weights = [1 / (i + 3) for i in range(len(SURNAMES))]
    names: dict[str, None] = {}
    while len(names) < size:
        surname = rng.choices(SURNAMES, weights=s_weights)[0]
        names.setdefault(surname + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2, 2)))))
    return [(n, *name_search_fields(n).values()) for n in names]


def load_members(cursor, tree: dict[str, list], n_rows: int, rng: random.Random) -> dict:
    """COPY n_rows members; returns a few facts used to pick realistic search strings."""
    from gonghui.core.crypto import encrypt

    n_orgs = len(tree["kind"])
    org_ids = list(range(1, n_orgs + 1))
    weights = []
    for kind in tree["kind"]:
        w = MEMBER_WEIGHT[kind]
        if kind == "enterprise":
            w *= rng.lognormvariate(0, 1.0) / 1.65  # a few big factories, many small shops
        weights.append(w)
    org_of = rng.choices(org_ids, weights=weights, k=n_rows)
    pool = name_pool(rng, 20_000)
    name_weights = [1 / (i + 10) for i in range(len(pool))]
    name_idx = rng.choices(range(len(pool)), weights=name_weights, k=n_rows)
    forms_pool = ([f for f, _ in POOL_FORMS], [w for _, w in POOL_FORMS])
    forms_ent = ([f for f, _ in ENTERPRISE_FORMS], [w for _, w in ENTERPRISE_FORMS])
    id_cipher = encrypt("339901198001010015")  # one fixed ciphertext: the list never decrypts
    phone_cipher = encrypt("13800000000")
    today = datetime.date(2026, 6, 30)
    base = datetime.date(2003, 1, 1)
    span = (today - base).days
    anchors = tree["anchor"]
    kinds = tree["kind"]
    rnd = rng.random
    form_pool = rng.choices(*forms_pool, k=n_rows)
    form_ent = rng.choices(*forms_ent, k=n_rows)
    births = [
        f"{datetime.date(1966, 1, 1) + datetime.timedelta(days=d):%Y%m%d}" for d in range(14_600)
    ]
    birth_iso = {b: f"{b[:4]}-{b[4:6]}-{b[6:]}" for b in births}
    joins = [str(base + datetime.timedelta(days=d)) for d in range(span + 1)]
    leaves = [str(min(base + datetime.timedelta(days=d + 400), today)) for d in range(span + 1)]
    buf: list[str] = []
    stamp = "2024-01-01 00:00+08"

    def flush(copy):
        copy.write("".join(buf).encode())
        buf.clear()

    with cursor.copy(f"COPY members_member ({COLUMNS}) FROM STDIN") as copy:
        for n in range(n_rows):
            pk = n + 1
            org = org_of[n]
            kind = kinds[org - 1]
            anchor = anchors[org - 1]
            name, pinyin, initials, grams = pool[name_idx[n]]
            male = rnd() < 0.55
            migrant = rnd() < 0.3
            area = AREAS_MIGRANT[pk % 7] if migrant else "339901"
            birth = births[int(rnd() * 14_600)]
            body = f"{area}{birth}{int(rnd() * 500) * 2 + male:03d}"
            id_number = body + mod11_2(body)
            has_phone = rnd() < 0.92
            phone_last4 = f"{int(rnd() * 10000):04d}" if has_phone else ""
            form = form_pool[n] if kind in POOL_KINDS else form_ent[n]
            # Joining skews recent (the registry grew with the new-employment-form drive).
            joined_day = int(span * rnd() ** 0.6)
            deactivated = rnd() < 0.03
            card_body = f"339901{pk:08d}"
            digest = hashlib.blake2b(str(pk).encode(), digest_size=32).hexdigest()
            buf.append(
                f"{pk}\t{stamp}\t{stamp}\t{org}\t{anchor if anchor else NULL}\t"
                f"{card_body}{mod11_2(card_body)}\t{name}\t{pinyin}\t{initials}\t{grams}\t"
                f"{'male' if male else 'female'}\t{birth_iso[birth]}\t{'01' if rnd() < 0.95 else '03'}\t"
                f"{id_cipher}\t{digest}\t{id_number[-4:]}\t"
                f"{phone_cipher if has_phone else ''}\t{digest[::-1] if has_phone else ''}\t"
                f"{phone_last4}\t{EDUCATION[pk % 7]}\t{SKILL[pk % 6]}\t"
                f"{'rural' if migrant or rnd() < 0.35 else 'urban'}\t"
                f"{'外省' if migrant else '本县'}\t{POLITICAL[pk % 5]}\t{NULL}\t"
                f"{'t' if migrant else 'f'}\t{form}\t{joins[joined_day]}\t"
                f"{'deactivated' if deactivated else 'active'}\t"
                f"{leaves[joined_day] if deactivated else NULL}\t"
                f"{'离职' if deactivated else ''}\t1\n"
            )
            if len(buf) >= 20_000:
                flush(copy)
        flush(copy)
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('members_member', 'id'), max(id)) FROM members_member"
    )
    cursor.execute(
        "INSERT INTO members_cardnumbersequence (prefix, last) VALUES ('339901', %s)", [n_rows]
    )
    return {"pool": pool}


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


def pick_searches(cursor, town_id: int) -> dict[str, str]:
    """Search strings that exist: a common and a rare full pinyin, initials, a last-4, a card."""

    def one(sql: str, params=()):
        cursor.execute(sql, params)
        return cursor.fetchone()[0]

    common = one(
        "SELECT name_pinyin FROM members_member GROUP BY name_pinyin ORDER BY count(*) DESC LIMIT 1"
    )
    rare = one(
        "SELECT name_pinyin FROM members_member WHERE org_anchor_id = %s AND length(name) = 3 "
        "GROUP BY name_pinyin HAVING count(*) BETWEEN 3 AND 20 ORDER BY name_pinyin LIMIT 1",
        [town_id],
    )
    initials3 = one(
        "SELECT name_initials FROM members_member WHERE length(name_initials) = 3 AND "
        "org_anchor_id = %s GROUP BY 1 HAVING count(*) BETWEEN 20 AND 200 ORDER BY 1 LIMIT 1",
        [town_id],
    )
    last4 = one("SELECT id_last4 FROM members_member WHERE org_anchor_id = %s LIMIT 1", [town_id])
    card = one("SELECT card_number FROM members_member WHERE org_anchor_id = %s LIMIT 1", [town_id])
    full_name = one(
        "SELECT name FROM members_member WHERE org_anchor_id = %s AND length(name) = 3 "
        "GROUP BY name HAVING count(*) BETWEEN 2 AND 10 ORDER BY name LIMIT 1",
        [town_id],
    )
    common_name = one(
        "SELECT name FROM members_member GROUP BY name ORDER BY count(*) DESC LIMIT 1"
    )
    return {
        "pinyin_common": common,
        "pinyin_rare": rare,
        "initials2": common_name and _initials(common_name),
        "initials3": initials3,
        "last4": last4,
        "card_full": card,
        "card_prefix": card[:11],
        "name_given": full_name[1:],  # the given name: contains-match, medium selectivity
        "name_full": full_name,  # rare
    }


def _initials(name: str) -> str:
    from gonghui.members.services import name_pinyin

    return name_pinyin(name)[1]


def shapes_for(s: dict[str, str]) -> list[tuple[str, dict]]:
    return [
        ("unfiltered", {}),
        ("employment_form=courier", {"employment_form": "courier"}),
        ("new_form_only", {"new_form_only": "1"}),
        ("migrant=1 & joined_year=2019", {"migrant": "1", "joined_year": "2019"}),
        (f"pinyin full q={s['pinyin_common']}", {"q": s["pinyin_common"]}),
        (f"pinyin full q={s['pinyin_rare']}", {"q": s["pinyin_rare"]}),
        (f"initials q={s['initials2']}", {"q": s["initials2"]}),
        (f"initials q={s['initials3']}", {"q": s["initials3"]}),
        (f"last-4 q={s['last4']}", {"q": s["last4"]}),
        (f"card q={s['card_full']}", {"q": s["card_full"]}),
        (f"card prefix q={s['card_prefix']}", {"q": s["card_prefix"]}),
        (f"name contains q={s['name_given']}", {"q": s["name_given"]}),
        (f"name contains q={s['name_full']}", {"q": s["name_full"]}),
    ]


def run(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext

    from gonghui.core.paging import paginate_peek
    from gonghui.core.scope import clear_scope_cache
    from gonghui.members import selectors
    from gonghui.orgs.models import Org
    from gonghui.testing.fixtures import make_user

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        tree = build_tree(args.orgs, args.townships, rng)
        load_orgs(raw, tree)
        cursor.execute("UPDATE orgs_org SET division_code = '339901' WHERE id = 1")
        grassroots = sum(1 for lv in tree["level"] if lv >= 6)
        log(f"loaded {len(tree['kind']):,} orgs ({grassroots:,} grassroots); COPY members")
        started = time.perf_counter()
        load_members(raw, tree, args.rows, rng)
        spent = time.perf_counter() - started
        log(f"COPY {args.rows:,} members in {spent:.1f}s ({args.rows / spent:,.0f} rows/s)")
        cursor.execute("VACUUM (ANALYZE) orgs_org")
        cursor.execute("VACUUM (ANALYZE) members_member")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('members_member'))")
        log(f"VACUUM ANALYZE done; members_member with indexes {cursor.fetchone()[0]}")
        cursor.execute(
            "SELECT m.org_anchor_id, count(*) FROM members_member m JOIN orgs_org o "
            "ON o.id = m.org_anchor_id WHERE o.level = 5 GROUP BY 1 ORDER BY 2"
        )
        towns = cursor.fetchall()
        town_id, town_rows = towns[len(towns) // 2]
        cursor.execute(
            "SELECT count(*) FROM members_member m JOIN orgs_org o ON o.id = m.org_id "
            "WHERE m.org_anchor_id IS DISTINCT FROM o.anchor_id"
        )
        bad = cursor.fetchone()[0]
        log(
            f"township #{town_id}: {town_rows:,} members ({100 * town_rows / args.rows:.1f}%); "
            f"townships {towns[0][1]:,}-{towns[-1][1]:,}; members with a wrong anchor: {bad}"
        )
        if bad:
            raise SystemExit("org_anchor check failed")
        searches = pick_searches(cursor, town_id)
    log(f"search strings: {searches}")

    users = {
        "county": make_user("bench_county", "county_admin", Org.objects.get(pk=1)),
        "township": make_user("bench_township", "township_staff", Org.objects.get(pk=town_id)),
    }
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    factory = RequestFactory()

    def request_fn(who: str, params: dict):
        client = clients[who]

        def fn():
            response = client.get("/members/", params)
            assert response.status_code == 200, response.status_code
            return response

        return fn

    def core_fn(who: str, params: dict):
        user = users[who]
        query = {k: v for k, v in params.items() if k != "page"}

        def fn():
            clear_scope_cache(user)  # per request in the app
            qs = selectors.member_list(user, **query).defer("id_number", "phone")
            ctx = paginate_peek(factory.get("/members/", params), qs)
            return len(ctx["page_obj"].object_list), ctx["page_obj"].total

        return fn

    rows: list[tuple[str, str, str, dict]] = []  # (who, shape, page, params)
    for who in ("county", "township"):
        for label, filters in shapes_for(searches):
            for page in ("1", "50"):
                rows.append((who, label, page, {**filters, "page": page}))
    variants = {}
    info = {}
    for who, label, page, params in rows:
        key = (who, label, page)
        variants[(*key, "request")] = request_fn(who, params)
        variants[(*key, "core")] = core_fn(who, params)
        with CaptureQueriesContext(connection) as captured:
            variants[(*key, "request")]()
        request_queries = len(captured.captured_queries)
        with CaptureQueriesContext(connection) as captured:
            shown, count = variants[(*key, "core")]()
        member_sql = [q["sql"] for q in captured.captured_queries if "members_member" in q["sql"]]
        info[key] = {"queries": request_queries, "shown": shown, "count": count, "sql": member_sql}
        for sql in member_sql:
            if "COUNT(" in sql.upper() and "LIMIT" not in sql.upper():
                raise SystemExit(f"uncapped COUNT on the member table: {sql}")
    log(f"timing {len(variants)} variants interleaved, >= {args.runs} runs each")
    times = time_interleaved(variants, args.runs, 2, args.budget, min_runs=args.runs)

    print()
    header = (
        f"{'user':9}{pad('shape', 40)}{'page':>5}{'matches':>8}{'q/req':>6}"
        f"{'request med':>12}{'p95':>7}{'core med':>9}{'p95':>7}  n  verdict"
    )
    print(header)
    print("-" * len(header))
    results = []
    for who, label, page, _params in rows:
        key = (who, label, page)
        req, core = times[(*key, "request")], times[(*key, "core")]
        m = statistics.median(req)
        verdict = "PASS" if m <= TARGET_MS else "FAIL"
        count = info[key]["count"]
        # The list no longer counts: a total shows only once the last page is reached.
        shown = "-" if count is None else f"{count:,}"
        results.append((m, key))
        print(
            f"{who:9}{pad(label, 40)}{page:>5}{shown:>8}{info[key]['queries']:>6}"
            f"{m:>12.1f}{pct(req, 95):>7.1f}{statistics.median(core):>9.1f}"
            f"{pct(core, 95):>7.1f}{len(req):>4}  {verdict}"
        )
    failed = [k for m, k in results if m > TARGET_MS]
    print()
    print(
        f"{len(results) - len(failed)}/{len(results)} PASS (median of the whole request <= "
        f"{TARGET_MS:.0f} ms); ms, server side (test Client, no network)."
    )

    OUT_DIR.mkdir(parents=True, exist_ok=True)
    slowest = sorted(results, reverse=True)[: args.plans]
    path = OUT_DIR / "member_list_plans.txt"
    with open(path, "w") as fh, connection.cursor() as cursor:
        for m, key in slowest:
            for sql in info[key]["sql"]:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS, SETTINGS) " + sql)
                lines = [r[0] for r in cursor.fetchall()]
                fh.write(f"==== {' / '.join(key)}: request median {m:.1f} ms\n{sql}\n\n")
                fh.write("\n".join(lines) + "\n\n")
                exec_ms = next((ln for ln in lines if ln.startswith("Execution Time")), "")
                top = lines[0].strip()[:70]
                print(f"plan {key[0]:8} {pad(key[1], 34)} p{key[2]:>2}: {top} | {exec_ms}")
    log(f"plans of the {len(slowest)} slowest rows written to {path.relative_to(ROOT)}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--runs", type=int, default=30, help="timed runs per row (minimum)")
    parser.add_argument("--budget", type=float, default=60, help="seconds; stops after --runs")
    parser.add_argument("--plans", type=int, default=8, help="EXPLAIN the N slowest rows")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-list-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(extra_conf={"maintenance_work_mem": "'256MB'", "autovacuum": "off"})
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ["GONGHUI_ALLOWED_HOSTS"] = "testserver"
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
