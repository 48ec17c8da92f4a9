"""Staff capacity: N logged-in staff at once over a realistic page mix (issue 14, item 11).

Target: 300 staff with 1–3 s think time on a 2-core machine (gunicorn, 5 sync workers,
PostgreSQL): p95 ≤ 1 s and < 0.1 % errors; per page ≤ ~12 ms of server CPU and ≤ 8 queries.

What it does (one throwaway PostgreSQL cluster and a temp var dir, removed at the end):
1. migrates and seeds the demo county (`seed-demo`: ~160 orgs, 212 employers, 20,000
   members, 320 hardship archives, 120 alerts ...);
2. creates the staff accounts (`--users` max, default 300) in the proportions a county has
   them: 8 % at the county federation (county staff, a few admins and leaders), 30 % township
   staff and 10 % social workers spread over the townships, 52 % grassroots staff at
   enterprise and community unions; all share one password hash (hashing 300 passwords
   would only slow the setup; every login still checks its password on the server);
3. **profile** (in-process, Django's test client): every page of the mix as a county, a
   township and a grassroots user, warm (the menu's counts cached, as for a user who has
   been working for a while): SQL queries and CPU ms (median of 5), the figures a loaded
   machine still measures reliably;
4. **load** (unless --profile-only): serves the app with gunicorn (sync workers, DEBUG off,
   persistent DB connections), logs every user in through the real login form (GET the
   form, POST it with its CSRF token), then for each N of --users runs N users for
   --duration seconds: each user opens a page drawn from its role's mix (only pages in its
   menu; detail pages of records in its scope), waits 1–3 s (uniform), and again. The
   client is asyncio on raw sockets (one connection per request, as the sync workers close
   them). Reports per page p50/p95/p99 (ms), requests, errors (anything but 200, or a
   redirect to the login page), requests/s, and the server's CPU ms per request (from
   /proc of the gunicorn processes and PostgreSQL).

   With --compare REF, the profile runs for commit REF too (its tree from `git archive`,
   same database and users), interleaved, and prints both side by side.

Run:  .venv/bin/python bench/staff_load.py                          (100 and 300 users, 60 s each)
      .venv/bin/python bench/staff_load.py --users 300 --duration 120
      .venv/bin/python bench/staff_load.py --profile-only           (queries and CPU per page)
      .venv/bin/python bench/staff_load.py --profile-only --compare bce961f   (… and before)
Needs: gunicorn (`pip install -e '.[bench]'`) and the PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

T0 = time.perf_counter()
PASSWORD = "Bench@Gonghui2026"
TARGET_P95_MS = 1000.0
TARGET_ERROR_RATE = 0.001
TARGET_CPU_MS = 12.0
TARGET_QUERIES = 8

# (page, weight, url name or None for home, kind of record a detail page needs)
PAGE_MIX: list[tuple[str, float, str, str | None]] = [
    ("home", 15, "core:home", None),
    ("members", 12, "members:list", None),
    ("members?q", 5, "members:list", "q"),
    ("member", 10, "members:detail", "member"),
    ("join_list", 3, "members:join_list", None),
    ("join", 2, "members:join_detail", "join"),
    ("transfers", 2, "members:transfer_list", None),
    ("member_stats", 1, "members:stats", None),
    ("org_tree", 3, "orgs:tree", None),
    ("orgs", 3, "orgs:list", None),
    ("org", 3, "orgs:detail", "org"),
    ("enterprises", 4, "orgs:enterprise_list", None),
    ("enterprise", 3, "orgs:enterprise_detail", "enterprise"),
    ("sites", 3, "sites:list", None),
    ("site", 2, "sites:detail", "site"),
    ("feedback", 2, "sites:feedback_list", None),
    ("archives", 6, "assistance:list", None),
    ("archive", 5, "assistance:detail", "archive"),
    ("alerts", 4, "assistance:alert_list", None),
    ("alert", 2, "assistance:alert_detail", "alert"),
    ("alerts_overdue", 1, "assistance:alert_overdue", None),
    ("visits", 2, "assistance:visit_list", None),
    ("programmes", 1, "assistance:programme_list", None),
    ("audit", 1, "audit:event_list", None),
    ("users", 1, "accounts:user_list", None),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


# --- setup ----------------------------------------------------------------------------------


@dataclass
class Staff:
    username: str
    role: str
    pages: list[tuple[str, float, str]] = field(default_factory=list)  # (page, weight, url)
    cookies: dict[str, str] = field(default_factory=dict)


def create_staff(total: int, rng: random.Random) -> list[str]:
    """Staff accounts in a county's proportions, interleaved so any prefix keeps them."""
    from django.contrib.auth.hashers import make_password

    from gonghui.accounts.models import Role, RoleAssignment, RoleCode, User
    from gonghui.orgs.models import Org, OrgLevel, OrgStatus, OrgType

    county = Org.objects.filter(level=OrgLevel.COUNTY).order_by("path").last()
    townships = list(
        Org.objects.filter(level=OrgLevel.TOWNSHIP, status=OrgStatus.ACTIVE).order_by("path")
    )
    grassroots = list(
        Org.objects.filter(
            level=OrgLevel.GRASSROOTS,
            status=OrgStatus.ACTIVE,
            type__in=(OrgType.ENTERPRISE, OrgType.COMMUNITY, OrgType.JOINT),
        ).order_by("path")
    )
    # One slot pattern of 25 (2 county, 8 township, 2 social worker, 13 grassroots), repeated.
    pattern = (
        [RoleCode.COUNTY_STAFF]
        + [RoleCode.TOWNSHIP_STAFF] * 4
        + [RoleCode.GRASSROOTS_STAFF] * 6
        + [RoleCode.SOCIAL_WORKER]
        + [RoleCode.TOWNSHIP_STAFF] * 4
        + [RoleCode.GRASSROOTS_STAFF] * 7
        + [RoleCode.SOCIAL_WORKER]
    )
    extra = {0: RoleCode.COUNTY_ADMIN, 50: RoleCode.LEADER, 150: RoleCode.LEADER}
    roles = {r.code: r for r in Role.objects.all()}
    password = make_password(PASSWORD)
    users, assignments, names = [], [], []
    for n in range(total):
        role = extra.get(n, pattern[n % len(pattern)])
        if role in (RoleCode.COUNTY_STAFF, RoleCode.COUNTY_ADMIN, RoleCode.LEADER):
            org = county
        elif role in (RoleCode.TOWNSHIP_STAFF, RoleCode.SOCIAL_WORKER):
            org = townships[n % len(townships)]
        else:
            org = grassroots[rng.randrange(len(grassroots))]
        username = f"bench{n:03d}"
        users.append(User(username=username, password=password, full_name=f"测评{n:03d}", org=org))
        assignments.append((username, org, roles[role]))
        names.append(username)
    User.objects.bulk_create(users)
    ids = dict(User.objects.filter(username__in=names).values_list("username", "id"))
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user_id=ids[u], org=org, role=role) for u, org, role in assignments
    )
    return names


def record_ids(user, rng: random.Random, limit: int = 30) -> dict[str, list]:
    """A sample of the records in the user's scope that the detail pages open."""
    from gonghui.assistance.archives.selectors import archive_list
    from gonghui.assistance.monitoring.selectors import alert_list
    from gonghui.members import selectors
    from gonghui.members.joining import services as joining
    from gonghui.orgs.selectors import enterprise_scoped, org_scoped
    from gonghui.sites.selectors import site_scoped

    def sample(queryset) -> list:
        ids = list(queryset.values_list("pk", flat=True)[:500])
        rng.shuffle(ids)
        return ids[:limit]

    return {
        "member": sample(selectors.member_list(user)),
        "join": sample(joining.application_list(user)),
        "org": sample(org_scoped(user).order_by("path")),
        "enterprise": sample(enterprise_scoped(user).order_by("id")),
        "site": sample(site_scoped(user).order_by("id")),
        "archive": sample(archive_list(user)),
        "alert": sample(alert_list(user)),
        "q": [urllib.parse.quote(c) for c in SURNAMES],
    }


def staff_pages(user, rng: random.Random) -> list[tuple[str, float, str]]:
    """The user's page mix: the pages in their menu, detail pages of records in scope."""
    from django.urls import reverse

    from gonghui.core.context_processors import menu_url_names_for

    menu = set(menu_url_names_for(user))
    ids = record_ids(user, rng)
    pages = []
    for page, weight, url_name, needs in PAGE_MIX:
        if needs is None:
            if url_name == "core:home" or url_name in menu:
                pages.append((page, weight, reverse(url_name)))
        elif needs == "q":
            if url_name in menu:
                for q in ids["q"]:
                    pages.append((page, weight / len(ids["q"]), f"{reverse(url_name)}?q={q}"))
        elif ids[needs]:
            for pk in ids[needs]:
                pages.append((page, weight / len(ids[needs]), reverse(url_name, args=[pk])))
    return pages


# --- profile --------------------------------------------------------------------------------


def profile(usernames: list[str], runs: int = 5) -> list[dict]:
    """Queries and CPU ms per page (in-process, warm) for a few users; returns the rows."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gonghui.accounts.models import User

    rng = random.Random(7)
    rows = []
    for username in usernames:
        user = User.objects.get(username=username)
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        seen = set()
        for page, _weight, url in staff_pages(user, rng):
            if page in seen:
                continue
            seen.add(page)
            client.get(url)  # warm: the menu's counts cached, templates compiled
            times, queries, status = [], 0, 0
            for _ in range(runs):
                with CaptureQueriesContext(connection) as ctx:
                    start = time.process_time()
                    response = client.get(url)
                    times.append((time.process_time() - start) * 1000)
                queries, status = len(ctx.captured_queries), response.status_code
            rows.append(
                {
                    "user": username,
                    "page": page,
                    "status": status,
                    "queries": queries,
                    "cpu_ms": statistics.median(times),
                }
            )
        # The cold page: the minute's first request counts the to-dos again.
        session = client.session
        for key in [k for k in session.keys() if k.startswith("_cached:")]:  # noqa: SIM118
            del session[key]
        session.save()
        with CaptureQueriesContext(connection) as ctx:
            start = time.process_time()
            client.get("/")
            cold_ms = (time.process_time() - start) * 1000
        rows.append(
            {
                "user": username,
                "page": "home (cold)",
                "status": 200,
                "queries": len(ctx.captured_queries),
                "cpu_ms": cold_ms,
            }
        )
    return rows


def print_profile(rows: list[dict]) -> str:
    users = list(dict.fromkeys(r["user"] for r in rows))
    pages = list(dict.fromkeys(r["page"] for r in rows))
    by = {(r["user"], r["page"]): r for r in rows}
    lines = [
        "Per page, in-process, warm: SQL queries / CPU ms (median of 5); "
        f"target ≤ {TARGET_QUERIES} queries and ≤ {TARGET_CPU_MS:g} ms",
        f"{'page':18s}" + "".join(f"{u:>22s}" for u in users),
    ]
    for page in pages:
        cells = []
        for user in users:
            r = by.get((user, page))
            cells.append(
                f"{r['queries']:>6d} q {r['cpu_ms']:7.1f} ms{'' if r['status'] == 200 else ' !' + str(r['status']):>3s}"
                if r
                else f"{'—':>22s}"
            )
        lines.append(f"{page:18s}" + "".join(f"{c:>22s}" for c in cells))
    text = "\n".join(lines)
    print(text, flush=True)
    return text


# --- side by side with another commit ------------------------------------------------------

_COMPARE_CHILD = r"""
import json, os, sys, time
root = os.environ["BENCH_ROOT"]
sys.path.insert(0, root)
import django
django.setup()
import gonghui
assert gonghui.__file__.startswith(root), gonghui.__file__
from django.conf import settings
from django.db import connection
from django.test import Client
settings.ALLOWED_HOSTS = ["*"]
out = {}
for spec in json.loads(sys.argv[1]):
    client = Client()
    assert client.login(username=spec["user"], password=spec["password"])
    for page, url in spec["pages"]:
        for _ in range(3):
            client.get(url)  # warm
        n = [0]
        def count(execute, sql, params, many, context):
            n[0] += 1
            return execute(sql, params, many, context)
        with connection.execute_wrapper(count):
            status = client.get(url).status_code
        start = time.process_time()
        for _ in range(10):
            client.get(url)
        out[f"{spec['user']} {page}"] = [status, n[0], (time.process_time() - start) * 100]
print(json.dumps(out))
"""


def compare(ref: str, usernames: list[str], rounds: int = 3) -> str:
    """Queries and CPU ms per page: this tree against commit `ref`, interleaved run by run
    (so other load on the machine hits both alike); same database, same users and pages."""
    import json

    from gonghui.accounts.models import User

    rng = random.Random(3)
    specs = []
    for username in usernames:
        user = User.objects.get(username=username)
        seen, pages = set(), []
        for page, _weight, url in staff_pages(user, rng):
            if page not in seen:
                seen.add(page)
                pages.append((page, url))
        specs.append({"user": username, "password": PASSWORD, "pages": pages})
    other = Path(tempfile.mkdtemp(prefix="gonghui-bench-ref-"))
    try:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True
        ).stdout
        subprocess.run(["tar", "x", "-C", str(other)], input=archive, check=True)
        runs: dict[str, list[dict]] = {"ref": [], "this": []}
        for _ in range(rounds):
            for name, root in (("ref", other), ("this", ROOT)):
                env = {**os.environ, "BENCH_ROOT": str(root), "PYTHONPATH": str(root)}
                done = subprocess.run(
                    [sys.executable, "-c", _COMPARE_CHILD, json.dumps(specs)],
                    env=env,
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise RuntimeError(done.stderr[-3000:])
                runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        shutil.rmtree(other, ignore_errors=True)
    lines = [
        f"Side by side, in-process, warm: {ref} → this tree "
        f"(queries; CPU ms, median of {rounds} interleaved runs of 10)",
        f"{'user page':34s}{'queries':>12s}{'CPU ms':>18s}{'ratio':>8s}",
    ]
    for key in runs["this"][0]:
        if key not in runs["ref"][0]:
            continue
        ref_ms = statistics.median(r[key][2] for r in runs["ref"])
        this_ms = statistics.median(r[key][2] for r in runs["this"])
        status = "" if runs["ref"][0][key][0] == runs["this"][0][key][0] == 200 else " (!)"
        lines.append(
            f"{key:34s}{runs['ref'][0][key][1]:>6d} → {runs['this'][0][key][1]:<4d}"
            f"{ref_ms:>8.1f} → {this_ms:<7.1f}{this_ms / ref_ms:>6.2f}{status}"
        )
    text = "\n".join(lines)
    print(text, flush=True)
    return text


# --- HTTP client ------------------------------------------------------------------------------


class HttpError(Exception):
    pass


async def http(
    port: int, method: str, path: str, cookies: dict[str, str], body: str = ""
) -> tuple[int, dict[str, list[str]], bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        headers = [
            f"{method} {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Connection: close",
            "User-Agent: gonghui-bench",
        ]
        if cookies:
            headers.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items()))
        data = body.encode()
        if method == "POST":
            headers += [
                "Content-Type: application/x-www-form-urlencoded",
                f"Content-Length: {len(data)}",
            ]
        writer.write(("\r\n".join(headers) + "\r\n\r\n").encode() + data)
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head, _, payload = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines or not lines[0].startswith("HTTP/"):
        raise HttpError("no HTTP response")
    status = int(lines[0].split()[1])
    parsed: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        parsed.setdefault(name.strip().lower(), []).append(value.strip())
    return status, parsed, payload


def _take_cookies(headers: dict[str, list[str]], cookies: dict[str, str]) -> None:
    for value in headers.get("set-cookie", []):
        pair = value.split(";", 1)[0]
        name, _, content = pair.partition("=")
        cookies[name.strip()] = content.strip().strip('"')


async def login(port: int, staff: Staff) -> None:
    staff.cookies = {}
    status, headers, body = await http(port, "GET", "/accounts/login/", staff.cookies)
    _take_cookies(headers, staff.cookies)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None:
        raise HttpError(f"login form answered {status}")
    form = urllib.parse.urlencode(
        {
            "username": staff.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1).decode(),
        }
    )
    status, headers, _ = await http(port, "POST", "/accounts/login/", staff.cookies, form)
    _take_cookies(headers, staff.cookies)
    if status != 302 or "sessionid" not in staff.cookies:
        raise HttpError(f"login of {staff.username} answered {status}")


@dataclass
class Sample:
    page: str
    ms: float
    ok: bool


async def user_loop(
    port: int, staff: Staff, until: float, samples: list[Sample], rng: random.Random
) -> None:
    await asyncio.sleep(rng.uniform(0, 3))  # the users do not all start at the same instant
    weights = [w for _, w, _ in staff.pages]
    while time.monotonic() < until:
        page, _w, url = rng.choices(staff.pages, weights)[0]
        start = time.monotonic()
        try:
            status, headers, _ = await http(port, "GET", url, staff.cookies)
            ok = status == 200
        except (OSError, HttpError, asyncio.IncompleteReadError):
            ok = False
        samples.append(Sample(page, (time.monotonic() - start) * 1000, ok))
        await asyncio.sleep(rng.uniform(1.0, 3.0))


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields_ = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields_[11]) + int(fields_[12])) / ticks  # utime + stime
    return total


def process_tree(root_pid: int) -> list[int]:
    """The process and its children (gunicorn's master and workers)."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if root_pid in (int(proc.name), ppid):
                found.append(int(proc.name))
    return found


def database_backends() -> list[int]:
    """The PostgreSQL backends serving the app (persistent connections), not this one."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


async def run_users(port: int, staff: list[Staff], duration: float, seed: int) -> list[Sample]:
    samples: list[Sample] = []
    until = time.monotonic() + duration
    rng = random.Random(seed)
    await asyncio.gather(
        *(user_loop(port, s, until, samples, random.Random(rng.random())) for s in staff)
    )
    return samples


def report(n: int, samples: list[Sample], seconds: float, cpu_ms_per_request: float) -> str:
    lines = [
        f"{n} users, {seconds:.0f} s: {len(samples)} requests, {len(samples) / seconds:.1f} req/s, "
        f"server CPU {cpu_ms_per_request:.1f} ms per request (gunicorn + PostgreSQL)",
        f"{'page':18s}{'requests':>9s}{'errors':>8s}{'p50 ms':>9s}{'p95 ms':>9s}{'p99 ms':>9s}",
    ]
    pages = sorted({s.page for s in samples}, key=lambda p: [m[0] for m in PAGE_MIX].index(p))
    for page in [*pages, "all"]:
        rows = [s for s in samples if page == "all" or s.page == page]
        ms = [s.ms for s in rows]
        errors = sum(not s.ok for s in rows)
        lines.append(
            f"{page:18s}{len(rows):>9d}{errors:>8d}{percentile(ms, 50):>9.0f}"
            f"{percentile(ms, 95):>9.0f}{percentile(ms, 99):>9.0f}"
        )
    every = [s.ms for s in samples]
    errors = sum(not s.ok for s in samples)
    rate = errors / len(samples) if samples else 1.0
    p95 = percentile(every, 95)
    verdict = "PASS" if p95 <= TARGET_P95_MS and rate < TARGET_ERROR_RATE else "FAIL"
    lines.append(
        f"→ p95 {p95:.0f} ms (target ≤ {TARGET_P95_MS:.0f}), errors {100 * rate:.2f} % "
        f"(target < {100 * TARGET_ERROR_RATE:.1f} %): {verdict}"
    )
    text = "\n".join(lines)
    print(text, flush=True)
    return text


def run_load(args, cluster_url: str, var_dir: Path, usernames: list[str]) -> list[str]:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which(
        "gunicorn"
    )
    if not gunicorn:
        log("gunicorn missing: skipping the load (pip install -e '.[bench]')")
        return []
    from gonghui.accounts.models import User

    rng = random.Random(args.seed)
    staff = []
    for username in usernames:
        user = User.objects.get(username=username)
        staff.append(Staff(username, "", staff_pages(user, rng)))
    port = 19000 + os.getpid() % 1000
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_DATABASE_URL": cluster_url,
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_DEBUG": "0",
        "GONGHUI_DB_CONN_MAX_AGE": "600",
        "PYTHONPATH": str(ROOT),
    }
    server_cmd = [
        gunicorn,
        "gonghui.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--log-level",
        "critical",  # not the "worker was sent SIGTERM" of the shutdown
        "--chdir",
        str(ROOT),
    ]
    log("serving: " + " ".join(server_cmd[1:]))
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, start_new_session=True)
    reports = []
    try:
        for _ in range(150):
            with contextlib.suppress(OSError, HttpError):
                if asyncio.run(http(port, "GET", "/healthz", {}))[0] == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")
        log(f"logging {len(staff)} users in through the login form")

        async def login_all():
            semaphore = asyncio.Semaphore(args.workers * 2)

            async def one(s):
                async with semaphore:
                    await login(port, s)

            await asyncio.gather(*(one(s) for s in staff))

        asyncio.run(login_all())
        pids = process_tree(server.pid) + database_backends()
        for n in args.users:
            group = staff[:n]
            if args.warmup:
                log(f"{n} users: {args.warmup} s warm-up (not measured)")
                asyncio.run(run_users(port, group, args.warmup, args.seed))
            log(f"{n} users for {args.duration} s (think time 1–3 s)")
            cpu_before, wall_before = cpu_seconds(pids), time.monotonic()
            samples = asyncio.run(run_users(port, group, args.duration, args.seed + n))
            seconds = time.monotonic() - wall_before
            cpu = (cpu_seconds(pids) - cpu_before) * 1000 / max(len(samples), 1)
            reports.append(report(n, samples, seconds, cpu))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
    return reports


# ----------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--users", default="100,300", help="comma-separated user counts (default 100,300)"
    )
    parser.add_argument("--duration", type=int, default=60, help="seconds per user count")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn sync workers")
    parser.add_argument(
        "--warmup", type=int, default=20, help="unmeasured seconds before each user count"
    )
    parser.add_argument("--profile-only", action="store_true")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--database-url", help="use this already seeded database (no cluster, no seeding)"
    )
    parser.add_argument(
        "--var-dir", help="with --database-url: the var dir it was seeded with (its data key)"
    )
    parser.add_argument(
        "--compare", metavar="REF", help="also profile commit REF, side by side (git archive)"
    )
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    args.users = [int(n) for n in args.users.split(",")]

    own_var_dir = not args.var_dir
    var_dir = Path(args.var_dir or tempfile.mkdtemp(prefix="gonghui-bench-var-"))
    os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
    os.environ["GONGHUI_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    cluster = None
    try:
        if args.database_url:
            url = args.database_url
        else:
            from gonghui.core.testing.pgcluster import start_cluster

            log("starting a throwaway PostgreSQL cluster")
            cluster = start_cluster(extra_conf={"max_connections": "100"})
            url = cluster.url
        os.environ["GONGHUI_DATABASE_URL"] = url
        return run(args, url, var_dir, seed_demo=not args.database_url)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        if cluster is not None:
            cluster.stop()
            log("cluster stopped and removed")
        if own_var_dir:
            shutil.rmtree(var_dir, ignore_errors=True)


def run(args, url: str, var_dir: Path, *, seed_demo: bool) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]  # the in-process test client
    from gonghui.accounts.models import User

    if seed_demo:
        log("migrating and seeding the demo county")
        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        call_command("seed-demo", verbosity=0)
    total = max(args.users)
    usernames = sorted(
        User.objects.filter(username__startswith="bench").values_list("username", flat=True)
    )
    if len(usernames) < total:
        User.objects.filter(username__startswith="bench").delete()
        log(f"creating {total} staff accounts")
        usernames = create_staff(total, random.Random(args.seed))
    usernames = usernames[:total]
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    texts = []
    if not args.no_profile:
        by_role = {}
        for username in usernames:
            user = User.objects.get(username=username)
            role = user.role_assignments.first().role.code
            by_role.setdefault(role, username)
        picked = [by_role[r] for r in ("county_staff", "township_staff", "grassroots_staff")]
        log(f"profiling every page as {', '.join(picked)} (county, township, grassroots)")
        texts.append(print_profile(profile(picked)))
        if args.compare:
            log(f"side by side with {args.compare}")
            texts.append(compare(args.compare, picked))
    if not args.profile_only:
        texts += run_load(args, url, var_dir, usernames)
    (OUT_DIR / "staff_load.txt").write_text("\n\n".join(texts) + "\n")
    log(f"written to {OUT_DIR / 'staff_load.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
