"""Service-site benchmark: the nearest-10 query at province scale, and the public endpoint
under load (issue 5).

Targets: with 200,000 sites on PostgreSQL, `site_nearest` (nearest 10) median ≤ 1 ms
server-side with results identical to a brute-force haversine scan (including points near
the edge of the prefilter box); the public endpoint /api/v1/public/sites/nearest sustains
≥ 300 requests/s on 2 cores with p99 ≤ 100 ms.

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrates, creates one county org and COPYs N sites spread like a province (GCJ-02 around
   11 city centres and ~90 county seats with Gaussian spreads, plus a rural sprinkle;
   90% open, 6% suspended, 4% closed; every kind; a third 24 h), then VACUUM ANALYZE;
2. builds query points: near sites in towns (60%), anywhere in the province (20%), and
   "edge" points (20%) placed so that a site lies just inside or just outside the first
   prefilter box (at 0.995 / 1.005 × the initial radius, also × 2 and × 8, due N/E/S/W and
   on the diagonals, where the box corner is farther than its edge);
3. `site_nearest(lat, lng, limit=10)` (the app's selector) for every point back to back, as
   a server answering them runs them, in blocks of 100 alternating with the same selector
   on its previous statement (B-tree latitude band, parsed and planned per call), with the
   client's and the database backend's CPU time per call beside the clock (the CPU figures
   hold up on a busy machine, the clock does not); then for every point the brute force —
   plain SQL `ORDER BY <haversine over every open site>, id LIMIT 10` — followed by the
   app's query again (its time right after a ~50 ms parallel scan is printed too); the id
   lists must be identical for every query;
4. (unless --no-http) serves the app as docs/deployment.md does (gunicorn gthread, one
   worker process per core, 4 threads each, keep-alive; DEBUG off; PostgreSQL; the public
   rate limit ON, behind a "proxy": each request carries one of --clients addresses in
   X-Forwarded-For with GONGHUI_TRUSTED_PROXY=1, or with --allow-list the load comes from
   127.0.0.1 exempted by GONGHUI_RATELIMIT_ALLOW) and loads the public nearest endpoint with
   wrk for --duration seconds, 32 connections, random points (wgs84, as a phone sends
   them) from a Lua script; prints requests/s, latency percentiles, and the server's CPU
   time per request (gunicorn processes + PostgreSQL backends, from /proc) and wrk's; then
   shows the limit is on (one address asking 130 times: 120 answered, 10 × 429); then the
   same under the previous serving (5 sync workers), side by side (--no-compare skips it).

Run:  .venv/bin/python bench/sites.py                    (200,000 sites; ~5 minutes on 2 cores)
      .venv/bin/python bench/sites.py --sites 20000 --queries 300 --duration 10
Needs: gunicorn (`pip install -e '.[bench]'`) and wrk (`apt-get install -y wrk`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

T0 = time.perf_counter()
TARGET_MEDIAN_MS = 1.0
TARGET_RPS = 300
TARGET_P99_MS = 100.0

# A province-sized box (about Zhejiang: 118–123° E, 27–31.2° N), GCJ-02.
PROVINCE = (118.0, 27.0, 123.0, 31.2)
# (lng, lat, weight, spread in km): a capital, big cities and smaller ones.
CITIES = [
    (120.16, 30.27, 10, 12.0),
    (121.55, 29.87, 8, 10.0),
    (120.70, 27.99, 7, 9.0),
    (120.58, 30.00, 5, 8.0),
    (120.09, 30.89, 4, 7.0),
    (120.76, 30.75, 4, 7.0),
    (119.65, 29.08, 5, 8.0),
    (118.87, 28.94, 2, 6.0),
    (122.21, 29.99, 2, 5.0),
    (121.42, 28.66, 5, 8.0),
    (119.92, 28.45, 2, 6.0),
]
N_COUNTY_SEATS = 90
RURAL_SHARE = 0.12
KINDS = ["outdoor_station", "love_station", "canteen", "nursing_room", "service_center"]
KIND_WEIGHTS = [45, 25, 10, 10, 10]
LETTERS = {
    "outdoor_station": "HW",
    "love_station": "AX",
    "canteen": "ST",
    "nursing_room": "MY",
    "service_center": "FW",
}


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:6.1f}s] {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1)]


def destination(lng: float, lat: float, bearing_deg: float, distance_m: float):
    from gonghui.core.geo import EARTH_RADIUS_M

    delta = distance_m / EARTH_RADIUS_M
    phi, lam, theta = math.radians(lat), math.radians(lng), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return round(math.degrees(lam2), 6), round(math.degrees(phi2), 6)


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


def towns(rng: random.Random) -> list[tuple[float, float, float, float]]:
    """Cities plus county seats (near the cities, smaller and tighter)."""
    places = list(CITIES)
    for _ in range(N_COUNTY_SEATS):
        lng = rng.uniform(PROVINCE[0] + 0.2, PROVINCE[2] - 0.6)
        lat = rng.uniform(PROVINCE[1] + 0.2, PROVINCE[3] - 0.2)
        places.append((lng, lat, 0.6, rng.uniform(1.5, 4.0)))
    return places


def town_point(rng: random.Random, places) -> tuple[float, float]:
    lng, lat, _, spread_km = rng.choices(places, weights=[p[2] for p in places])[0]
    # Gaussian around the centre; km → degrees (lng scaled by latitude).
    d_lat = rng.gauss(0, spread_km / 111.0)
    d_lng = rng.gauss(0, spread_km / (111.0 * math.cos(math.radians(lat))))
    return round(lng + d_lng, 6), round(lat + d_lat, 6)


def rural_point(rng: random.Random) -> tuple[float, float]:
    return (
        round(rng.uniform(PROVINCE[0], PROVINCE[2]), 6),
        round(rng.uniform(PROVINCE[1], PROVINCE[3]), 6),
    )


def load_sites(cursor, org_id: int, anchor_id, n: int, rng: random.Random, places) -> list:
    """COPY n sites; returns their (lng, lat) for building query points."""
    hours = json.dumps({d: [["07:00", "19:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    night = json.dumps({d: [["20:00", "02:00"]] for d in ("mon", "tue", "wed", "thu", "fri")})
    columns = (
        "created_at, updated_at, org_id, org_anchor_id, kind, name, site_code, address, lng, lat, "
        "host_unit, contact_name, contact_phone, opening_hours, is_24h, facilities, standards, "
        "description, status, status_reason, version"
    )
    points = []
    seq: dict[str, int] = {}
    with cursor.copy(f"COPY sites_servicesite ({columns}) FROM STDIN") as copy:
        for i in range(n):
            lng, lat = rural_point(rng) if rng.random() < RURAL_SHARE else town_point(rng, places)
            points.append((lng, lat))
            kind = rng.choices(KINDS, weights=KIND_WEIGHTS)[0]
            prefix = f"{330100 + (i % 90) * 100:06d}-{LETTERS[kind]}"
            seq[prefix] = seq.get(prefix, 0) + 1
            roll = rng.random()
            status = "open" if roll < 0.90 else ("suspended" if roll < 0.96 else "closed")
            is_24h = rng.random() < 0.33
            copy.write_row(
                (
                    "2026-01-01 00:00:00+08",
                    "2026-01-01 00:00:00+08",
                    org_id,
                    anchor_id,
                    kind,
                    f"站点{i}",
                    f"{prefix}-{seq[prefix]:05d}"[:20],
                    f"某市某路{i % 997}号",
                    lng,
                    lat,
                    "",
                    "",
                    "",
                    "{}" if is_24h else (night if rng.random() < 0.1 else hours),
                    is_24h,
                    rng.randrange(512),
                    rng.randrange(64),
                    "",
                    status,
                    "",
                    1,
                )
            )
    return points


def query_points(n: int, rng: random.Random, places, site_points, initial_radius_m: float):
    """(label, lng, lat): town, anywhere, and edge points."""
    out = []
    for i in range(n):
        roll = i % 10
        if roll < 6:
            out.append(("town", *town_point(rng, places)))
        elif roll < 8:
            out.append(("anywhere", *rural_point(rng)))
        else:
            s_lng, s_lat = rng.choice(site_points)
            factor = rng.choice([0.995, 1.005]) * rng.choice([1, 1, 2, 8])
            bearing = rng.choice([0, 90, 180, 270, 45, 135, 225, 315])
            # The query point is placed so the site sits at that distance and bearing from it.
            lng, lat = destination(s_lng, s_lat, bearing, initial_radius_m * factor)
            out.append(("edge", lng, lat))
    return out


# --------------------------------------------------------------------------------------------
# Nearest: the selector vs brute force
# --------------------------------------------------------------------------------------------

BRUTE_SQL = """
SELECT id FROM sites_servicesite WHERE status = 'open'
ORDER BY 2 * %(r)s * asin(least(1.0, sqrt(
    power(sin(radians(lat - %(lat)s) / 2), 2)
    + cos(radians(%(lat)s)) * cos(radians(lat)) * power(sin(radians(lng - %(lng)s) / 2), 2)
))), id
LIMIT %(limit)s
"""


@contextlib.contextmanager
def previous_statement():
    """site_nearest as it was before the GiST index and the prepared statement: the box as a
    range on the (status, lat, lng) B-tree (which reads the whole latitude band), sent with
    client-side parameters through a plain cursor, so parsed and planned on every call, and
    a first circle of 2 km."""
    from django.db import connection

    from gonghui.sites import selectors

    current_sql = selectors._one_query_sql

    def old_sql(with_kind, with_mask):
        sql, names = current_sql(with_kind, with_mask)
        sql = sql.replace(f"status = '{selectors.SiteStatus.OPEN.value}'", "status = %(status)s")
        sql = sql.replace(
            "point(lng, lat) <@ box(point(%(min_lng)s, %(min_lat)s), point(%(max_lng)s, %(max_lat)s))",
            "lat >= %(min_lat)s AND lat <= %(max_lat)s AND lng >= %(min_lng)s AND lng <= %(max_lng)s",
        )
        return sql, names

    class PlainCursor:
        def __enter__(self):
            self.cursor = connection.cursor()
            real = self.cursor.execute

            def execute(sql, params):
                return real(sql, {**params, "status": selectors.SiteStatus.OPEN.value})

            self.cursor.execute = execute
            return self.cursor

        def __exit__(self, *exc):
            self.cursor.close()

    saved = selectors._one_query_sql, selectors.prepared_cursor, selectors.NEAREST_INITIAL_RADIUS_M
    selectors._one_query_sql, selectors.prepared_cursor = old_sql, PlainCursor
    selectors.NEAREST_INITIAL_RADIUS_M = 2_000.0
    try:
        yield
    finally:
        (
            selectors._one_query_sql,
            selectors.prepared_cursor,
            selectors.NEAREST_INITIAL_RADIUS_M,
        ) = saved


def _backend_cpu(pid: int) -> float:
    return _cpu_seconds([pid]).get(pid, 0.0)


def compare_nearest(points, limit: int) -> dict:
    from django.db import connection

    from gonghui.core.geo import EARTH_RADIUS_M, haversine_m
    from gonghui.sites.models import ServiceSite
    from gonghui.sites.selectors import site_nearest

    app_ms, brute_ms, interleaved_ms, mismatches, ties = [], [], [], [], 0
    previous_ms: list[float] = []
    cpu = {"app": [0.0, 0.0], "previous": [0.0, 0.0]}  # client, database seconds
    by_label: dict[str, list[float]] = {}
    for warm in points[:20]:
        site_nearest(lat=warm[2], lng=warm[1], limit=limit)
        with previous_statement():
            site_nearest(lat=warm[2], lng=warm[1], limit=limit)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    # The app's queries back to back, as a server answering them would run them, in blocks
    # of 100 alternating with the previous statement (so that load from elsewhere on the
    # machine hits both alike); client and database CPU time per call beside the clock ...
    answers, previous_answers = [], []
    for block in range(0, len(points), 100):
        for variant in ("app", "previous"):
            times = app_ms if variant == "app" else previous_ms
            found_ids = answers if variant == "app" else previous_answers
            client0, db0 = time.process_time(), _backend_cpu(backend)
            with previous_statement() if variant == "previous" else contextlib.nullcontext():
                for label, lng, lat in points[block : block + 100]:
                    t = time.perf_counter()
                    found = site_nearest(lat=lat, lng=lng, limit=limit)
                    elapsed = (time.perf_counter() - t) * 1000
                    times.append(elapsed)
                    if variant == "app":
                        by_label.setdefault(label, []).append(elapsed)
                    found_ids.append([item.site.pk for item in found])
            cpu[variant][0] += time.process_time() - client0
            cpu[variant][1] += _backend_cpu(backend) - db0
    assert previous_answers == answers, "the previous statement answers differently"
    # ... then each brute-force scan followed by the app's query again (interleaved: the
    # app right after a 50 ms parallel scan, reported too), and the answers compared.
    with connection.cursor() as cursor:
        for (label, lng, lat), app in zip(points, answers, strict=True):
            t = time.perf_counter()
            cursor.execute(BRUTE_SQL, {"r": EARTH_RADIUS_M, "lat": lat, "lng": lng, "limit": limit})
            brute = [row[0] for row in cursor.fetchall()]
            brute_ms.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            again = [item.site.pk for item in site_nearest(lat=lat, lng=lng, limit=limit)]
            interleaved_ms.append((time.perf_counter() - t) * 1000)
            assert again == app
            if app != brute:
                # SQL and Python round the last bits differently: equal only up to exact ties?
                coords = dict(
                    ServiceSite.objects.filter(pk__in=app + brute).values_list("pk", "lng")
                )
                lats = dict(ServiceSite.objects.filter(pk__in=app + brute).values_list("pk", "lat"))
                d_app = [haversine_m(lng, lat, coords[p], lats[p]) for p in app]
                d_brute = [haversine_m(lng, lat, coords[p], lats[p]) for p in brute]
                if all(abs(a - b) < 1e-6 for a, b in zip(d_app, d_brute, strict=True)):
                    ties += 1
                else:
                    mismatches.append((label, lng, lat, app, brute))
    n = len(points)
    return {
        "app": app_ms,
        "previous": previous_ms,
        "interleaved": interleaved_ms,
        "brute": brute_ms,
        "by_label": by_label,
        "mismatches": mismatches,
        "ties": ties,
        "cpu_ms": {k: (1000 * c / n, 1000 * d / n) for k, (c, d) in cpu.items()},
    }


# --------------------------------------------------------------------------------------------
# HTTP: gunicorn + wrk
# --------------------------------------------------------------------------------------------

LUA = """
-- random points around the bench's towns (WGS-84 as a phone sends them; offset ignored here:
-- the server converts either way), each request from one of %(clients)d client addresses
-- (X-Forwarded-For, as the reverse proxy of the deployment sets it), or none (allow-listed)
local towns = {%(towns)s}
local clients = %(clients)d
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  math.randomseed(%(seed)d + (id or 0))
end
local function gauss()
  return math.sqrt(-2 * math.log(1 - math.random())) * math.cos(2 * math.pi * math.random())
end
request = function()
  local t = towns[math.random(#towns)]
  local lat = t[2] + gauss() * t[3] / 111.0
  local lng = t[1] + gauss() * t[3] / (111.0 * math.cos(math.rad(t[2])))
  local path = string.format(
    "/api/v1/public/sites/nearest?lat=%%.6f&lng=%%.6f&crs=wgs84&limit=10", lat, lng)
  if clients == 0 then
    return wrk.format("GET", path)
  end
  local c = math.random(0, clients - 1)
  local ip = string.format("10.%%d.%%d.%%d", math.floor(c / 65536) %% 256,
    math.floor(c / 256) %% 256, c %% 256)
  return wrk.format("GET", path, {["X-Forwarded-For"] = ip})
end
"""

# How docs/deployment.md serves the app (gunicorn, threads sharing a process per core,
# HTTP keep-alive towards the proxy), and how it was served before (and benchmarked: 5 sync
# workers, one connection per request).
SERVE_DOCUMENTED = [
    "--worker-class",
    "gthread",
    "--workers",
    "{cores}",
    "--threads",
    "4",
    "--keep-alive",
    "75",
]
SERVE_PREVIOUS = ["--worker-class", "sync", "--workers", "5"]


def _cpu_seconds(pids) -> dict[int, float]:
    """utime + stime of each live pid (from /proc), in seconds."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(c) for c in (task / "children").read_text().split()]
    return found


class CpuMeter:
    """CPU seconds spent by a process tree (a server and its workers, or the PostgreSQL
    postmaster and its backends) between start() and stop(); processes born meanwhile
    count from zero."""

    def __init__(self, root_pid: int):
        self.root = root_pid

    def _snapshot(self) -> dict[int, float]:
        return _cpu_seconds([self.root, *_children(self.root)])

    def start(self) -> None:
        self.before = self._snapshot()

    def stop(self) -> float:
        after = self._snapshot()
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in after.items())


def run_http(args, cluster, var_dir: Path, places) -> list[dict] | None:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which(
        "gunicorn"
    )
    wrk = shutil.which("wrk")
    if not gunicorn or not wrk:
        log(
            "gunicorn or wrk missing: skipping the HTTP part (pip install -e '.[bench]'; apt-get install wrk)"
        )
        return None
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    lua_path = OUT_DIR / "sites_nearest.lua"
    towns_lua = ", ".join(f"{{{lng}, {lat}, {spread}}}" for lng, lat, _, spread in places)
    clients = 0 if args.allow_list else args.clients
    lua_path.write_text(LUA % {"towns": towns_lua, "seed": args.seed, "clients": clients})
    cores = os.cpu_count() or 2
    servings = [("documented", SERVE_DOCUMENTED)]
    if args.serve:
        servings = [("chosen", args.serve.split())]
    if args.compare:
        servings.append(("previous", SERVE_PREVIOUS))
    results = []
    for i, (name, serve_args) in enumerate(servings):
        serve_args = [a.format(cores=cores) for a in serve_args]
        port = 18000 + os.getpid() % 500 * 2 + i
        result = _serve_and_load(
            args, gunicorn, wrk, lua_path, cluster.url, var_dir, serve_args, port
        )
        result.update(name=name, serving=" ".join(serve_args))
        (OUT_DIR / f"sites_wrk_{name}.txt").write_text(result.pop("wrk_output"))
        results.append(result)
    return results


def _serve_and_load(args, gunicorn, wrk, lua_path, cluster_url, var_dir, serve_args, port):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_DATABASE_URL": cluster_url,
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_DEBUG": "0",
        # The documented deployment terminates TLS at the proxy; plain http here, or every
        # request would be redirected to https.
        "GONGHUI_HTTPS": "0",
        "PYTHONPATH": str(ROOT),
    }
    if args.allow_list:
        env["GONGHUI_RATELIMIT_ALLOW"] = "127.0.0.1"
    else:  # behind the proxy: each request carries its client's address
        env["GONGHUI_TRUSTED_PROXY"] = "1"
    server_cmd = [
        gunicorn,
        "gonghui.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        *serve_args,
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    log("serving: gunicorn " + " ".join(server_cmd[1:]))
    server = subprocess.Popen(server_cmd, env=env, cwd=ROOT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        url = f"{base}/api/v1/public/sites/nearest?lat=30.27&lng=120.16&crs=wgs84"
        # Workers load every URLconf before their first request (gonghui/wsgi.py): allow a minute.
        deadline = time.monotonic() + 60
        last_error = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
                    last_error = f"HTTP {response.status}"
            except OSError as error:
                last_error = error
            time.sleep(0.2)
        else:
            raise RuntimeError(f"gunicorn did not answer 200 within a minute: {last_error}")
        # Warm every worker and thread (connections, imports, prepared statements).
        subprocess.run(
            [wrk, "-t2", f"-c{args.connections}", "-d3s", "-s", str(lua_path), base],
            capture_output=True,
            check=True,
        )
        wrk_cmd = [
            wrk,
            "-t2",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--latency",
            "-s",
            str(lua_path),
            base,
        ]
        log(
            "loading: "
            + " ".join(Path(wrk_cmd[0]).name if i == 0 else a for i, a in enumerate(wrk_cmd))
        )
        app_cpu, db_cpu = CpuMeter(server.pid), CpuMeter(args.postmaster)
        app_cpu.start()
        db_cpu.start()
        client_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = subprocess.run(wrk_cmd, capture_output=True, text=True, check=True)
        client_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        app_s, db_s = app_cpu.stop(), db_cpu.stop()
        print(result.stdout, flush=True)
        figures = parse_wrk(result.stdout)
        n = max(1, figures.get("requests", 0))
        client_s = (client_after.ru_utime + client_after.ru_stime) - (
            client_before.ru_utime + client_before.ru_stime
        )
        figures.update(
            app_cpu_ms=1000 * app_s / n, db_cpu_ms=1000 * db_s / n, wrk_cpu_ms=1000 * client_s / n
        )
        figures["wrk_output"] = result.stdout
        figures["limit_check"] = _rate_limit_check(
            base, allow_listed=args.allow_list, address=f"192.0.2.{port % 250 + 1}"
        )
        return figures
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _rate_limit_check(base: str, *, allow_listed: bool, address: str) -> str:
    """Show that the limit is on: one new client address asks 130 times in a row."""
    from gonghui.sites.public.services import PUBLIC_READS_PER_MINUTE

    codes: dict[int, int] = {}
    for _ in range(PUBLIC_READS_PER_MINUTE + 10):
        request = urllib.request.Request(
            f"{base}/api/v1/public/sites/nearest?lat=30.27&lng=120.16&crs=wgs84&limit=1",
            headers={} if allow_listed else {"X-Forwarded-For": address},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        codes[status] = codes.get(status, 0) + 1
    who = "the allow-listed 127.0.0.1" if allow_listed else "one client address"
    return f"{who}, {PUBLIC_READS_PER_MINUTE + 10} requests in a row: " + ", ".join(
        f"{n} × {status}" for status, n in sorted(codes.items())
    )


def _ms(text: str) -> float:
    text = text.strip()
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


def parse_wrk(output: str) -> dict:
    figures = {"errors": 0}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(parts[1])
        elif len(parts) == 2 and parts[0] in {"50%", "75%", "90%", "99%"}:
            figures[f"p{parts[0][:-1]}"] = _ms(parts[1])
        elif "requests in" in line:
            figures["requests"] = int(parts[0])
        elif line.strip().startswith("Non-2xx"):
            figures["errors"] += int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            figures["errors"] += sum(int(p.strip(",")) for p in parts if p.strip(",").isdigit())
    return figures


# --------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sites", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--limit", type=int, default=10)
    parser.add_argument("--duration", type=int, default=30, help="seconds of wrk load")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--clients",
        type=int,
        default=4096,
        help="client addresses the load comes from (X-Forwarded-For, rate limit on)",
    )
    parser.add_argument(
        "--allow-list",
        action="store_true",
        help="load from 127.0.0.1 only, allow-listed (GONGHUI_RATELIMIT_ALLOW) instead",
    )
    parser.add_argument(
        "--serve",
        default="",
        help='other gunicorn options to load instead of the documented ones, e.g. "-k sync -w 3"',
    )
    parser.add_argument(
        "--no-compare",
        dest="compare",
        action="store_false",
        help="skip the previous serving (5 sync workers) after the documented one",
    )
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-var-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(extra_conf={"max_connections": "100", "autovacuum": "off"})
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args, cluster, var_dir)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log("cluster stopped and removed")


def run(args, cluster, var_dir: Path) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create
    from gonghui.sites.selectors import NEAREST_INITIAL_RADIUS_M

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    rng = random.Random(args.seed)
    county = org_create(
        actor=None,
        parent=None,
        name="某省总工会(测评)",
        type=OrgType.FEDERATION,
        level=OrgLevel.COUNTY,
        code="330000",
    )
    places = towns(rng)
    with connection.cursor() as cursor:
        version = connection.connection.info.server_version
        log(f"PostgreSQL {version // 10000}.{version % 10000}; COPY {args.sites:,} sites")
        site_points = load_sites(cursor, county.pk, county.anchor_id, args.sites, rng, places)
        cursor.execute("VACUUM (ANALYZE) sites_servicesite")
        cursor.execute("SELECT status, count(*) FROM sites_servicesite GROUP BY 1 ORDER BY 1")
        log("sites by status: " + ", ".join(f"{s} {n:,}" for s, n in cursor.fetchall()))
    points = query_points(args.queries, rng, places, site_points, NEAREST_INITIAL_RADIUS_M)
    log(f"{len(points):,} query points; nearest {args.limit}: selector vs brute force, interleaved")
    result = compare_nearest(points, args.limit)

    app, brute = result["app"], result["brute"]
    print()
    print(f"nearest-{args.limit} over {args.sites:,} sites, {len(points):,} queries (ms)")
    print(
        f"{'':48} {'median':>8} {'p90':>8} {'p99':>8} {'max':>8}   CPU per call: client + database"
    )
    cpu_ms = result["cpu_ms"]
    for name, values, cpu in (
        ("site_nearest (app)", app, cpu_ms["app"]),
        ("site_nearest as before (B-tree band, 2 km)", result["previous"], cpu_ms["previous"]),
        ("site_nearest (app), after each brute scan", result["interleaved"], None),
        ("brute-force SQL haversine", brute, None),
    ):
        print(
            f"{name:48} {statistics.median(values):8.3f} {percentile(values, 90):8.3f} "
            f"{percentile(values, 99):8.3f} {max(values):8.3f}"
            + (f"   {cpu[0]:.3f} + {cpu[1]:.3f} = {sum(cpu):.3f}" if cpu else "")
        )
    for label, values in sorted(result["by_label"].items()):
        print(
            f"  app, {label + ' points':42} {statistics.median(values):8.3f} "
            f"{percentile(values, 90):8.3f} {percentile(values, 99):8.3f} {max(values):8.3f}"
            f"   n={len(values)}"
        )
    identical = len(points) - len(result["mismatches"])
    print(
        f"identical to brute force: {identical:,}/{len(points):,} queries"
        + (f" ({result['ties']} differ only in the order of exact ties)" if result["ties"] else "")
    )
    for mismatch in result["mismatches"][:5]:
        print("  MISMATCH", mismatch)
    median = statistics.median(app)
    ok_nearest = median <= TARGET_MEDIAN_MS and not result["mismatches"]
    print(
        f"speed-up of the median: {statistics.median(brute) / median:,.0f}x; target median ≤ "
        f"{TARGET_MEDIAN_MS} ms and identical: {'PASS' if ok_nearest else 'FAIL'}"
    )
    print(
        f"site_nearest as before: median {statistics.median(result['previous']):.3f} ms, "
        f"CPU {sum(cpu_ms['previous']):.3f} ms per call; now {median:.3f} ms, "
        f"{sum(cpu_ms['app']):.3f} ms (same answers for every point)"
    )
    ok_http = True
    if not args.no_http:
        from django.db import connections

        connections.close_all()
        args.postmaster = int((cluster.root / "data" / "postmaster.pid").read_text().split()[0])
        runs = run_http(args, cluster, var_dir, places)
        for http in runs or []:
            ok = (
                http.get("rps", 0) >= TARGET_RPS
                and http.get("p99", 1e9) <= TARGET_P99_MS
                and not http["errors"]
            )
            if http["name"] != "previous":
                ok_http = ok
            cpu = http["app_cpu_ms"] + http["db_cpu_ms"]
            print(
                f"public nearest endpoint, {http['name']} serving (gunicorn {http['serving']}): "
                f"{http.get('rps', 0):,.0f} requests/s, p50 {http.get('p50', 0):.1f} ms, "
                f"p99 {http.get('p99', 0):.1f} ms, errors {http['errors']}; "
                f"server CPU per request {cpu:.2f} ms (app {http['app_cpu_ms']:.2f} + "
                f"database {http['db_cpu_ms']:.2f}), wrk {http['wrk_cpu_ms']:.2f} ms; "
                f"target ≥ {TARGET_RPS}/s and p99 ≤ {TARGET_P99_MS:.0f} ms: "
                f"{'PASS' if ok else 'FAIL'}"
            )
            print(f"  rate limit on: {http['limit_check']}")
    return 0 if ok_nearest and ok_http else 1


if __name__ == "__main__":
    sys.exit(main())
