"""Outreach benchmark (issue 18, "Speed and scale"): 300 concurrent portal registrations for the
last 100 places of one stop over HTTP, and the follow-up due list of a county with 200,000
registrations, on PostgreSQL.

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. migrate; a county tree (bench/scope.py: `--orgs` orgs, `--townships` townships).
2. **Registrations under load.** Two identical stops of one caravan, each offering job aid
   with a quota of `--filled` + `--places` (300 + 100), `--filled` places already taken
   through the app's own service. The app is served as docs/deployment.md says
   (bench/sites.py's SERVE_DOCUMENTED: gunicorn gthread, a worker per core, 4 threads) with
   `GONGHUI_TRUSTED_PROXY=1`, every client carrying its own address in X-Forwarded-For (so the
   portal's per-address limit counts as in production) and `GONGHUI_HTTPS=0` (the proxy
   terminates TLS). `--clients` (300) clients each open the stop's portal page (CSRF cookie
   and token; not timed), wait at a barrier, and then all post their registration (with
   consent and a phone of their own) at once: the time of each POST until its redirect to
   the registration page, the burst's requests/s, p50/p99, errors (anything but that
   redirect) and the server's CPU per registration (gunicorn and the PostgreSQL backends,
   from /proc). Then the database is checked: exactly `--places` of the burst confirmed, the
   others waitlisted, the confirmed ones the first arrivals, arrival numbers without gap or
   repeat, the waiting list in arrival order, the offer's counters equal to its rows.
   Side by side: the same registrations **one at a time** (one client) on the second stop.
3. **The follow-up due list.** COPY-loaded: `--stops` stops over the past year and the next
   month at orgs all over the tree, one job-aid offer each, `--registrations` (200,000)
   registrations spread over them and their follow-ups at 7, 30 and 90 days (a past one
   done in 70 % of cases, the rest left pending: overdue; those after a job closed), then
   VACUUM ANALYZE. For a county, a township (the median one) and a grassroots user, the
   page's read — `list(followup_due_list(user, due=…)[:51])`, what the list page fetches
   (`paginate_peek`, 50 a page) — for the default filter (due within 7 days, overdue
   included) and "overdue", timed interleaved `--repeat` times; side by side with the same
   compiled SQL replayed on a cursor (the database's share). Plans go to
   bench/out/outreach_due_plans.txt.
4. Prints both tables, the verdicts against the issue's targets (100 confirmed, the rest
   waitlisted in order, 0 errors; due list ≤ 100 ms median) and the load average.

Run:  .venv/bin/python bench/outreach.py | tee bench/out/outreach_run.txt
      .venv/bin/python bench/outreach.py --registrations 20000 --stops 200 --clients 60 \
          --places 20 --filled 40 --repeat 20            (small, for development)
Needs gunicorn (pip install -e '.[bench]') and the PostgreSQL server binaries.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from monitoring import copy_rows  # noqa: E402
from scope import build_tree, load_orgs  # noqa: E402
from sites import SERVE_DOCUMENTED, CpuMeter  # noqa: E402

T0 = time.perf_counter()
TARGET_DUE_MS = 100.0
STAMP = "2026-01-01 00:00+08"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))] if ordered else 0.0


# --- part 1: registrations over HTTP -----------------------------------------------------------


class Client:
    """One worker's phone: its own address, cookie and CSRF token, one connection."""

    def __init__(self, port: int, number: int, path: str):
        self.port, self.number, self.path = port, number, path
        self.address = f"10.{number // 62500 % 250}.{number // 250 % 250}.{number % 250 + 1}"
        self.cookie = self.token = ""
        self.status, self.location, self.ms, self.error = 0, "", 0.0, ""

    def _request(self, method: str, body: str = ""):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"X-Forwarded-For": self.address, "Host": "127.0.0.1"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, self.path, body=body.encode(), headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read().decode()
        finally:
            connection.close()

    def open_page(self) -> None:
        status, headers, html = self._request("GET")
        if status != 200:
            raise RuntimeError(f"stop page answered {status}")
        for name, value in headers:
            if name.lower() == "set-cookie" and value.startswith("csrftoken="):
                self.cookie = value.split(";", 1)[0]
        self.token = CSRF_INPUT.search(html).group(1)

    def register(self, offer_id: int) -> None:
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": self.token,
                "offer": offer_id,
                "name": f"职工{self.number:04d}",
                "consent": "on",
                "phone": f"1980{self.number:07d}",
                "wish_job": "电工",
            }
        )
        started = time.perf_counter()
        try:
            self.status, headers, _ = self._request("POST", body)
        except OSError as exc:
            self.error = repr(exc)
            return
        finally:
            self.ms = (time.perf_counter() - started) * 1000
        self.location = dict((k.lower(), v) for k, v in headers).get("location", "")
        if self.status != 302 or "/registrations/" not in self.location:
            self.error = f"HTTP {self.status} {self.location}"


def _burst(clients: list[Client], offer_id: int) -> float:
    """All clients post at once (after a barrier); returns the burst's wall seconds."""
    barrier = threading.Barrier(len(clients) + 1)
    threads = []

    def go(client: Client) -> None:
        barrier.wait()
        client.register(offer_id)

    for client in clients:
        thread = threading.Thread(target=go, args=(client,))
        thread.start()
        threads.append(thread)
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def _serial(clients: list[Client], offer_id: int) -> float:
    started = time.perf_counter()
    for client in clients:
        client.register(offer_id)
    return time.perf_counter() - started


def _open_pages(clients: list[Client], workers: int = 16) -> None:
    pending = list(clients)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not pending:
                    return
                client = pending.pop()
            client.open_page()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def check_queue(offer_id: int, first_arrival: int, places: int, n: int) -> list[str]:
    """What must hold after `n` registrations arrived for the last `places` places."""
    from gonghui.outreach.caravans.models import OnSiteRegistration, StopOffer
    from gonghui.outreach.caravans.services import waitlist_position

    problems = []
    offer = StopOffer.objects.get(pk=offer_id)
    rows = list(
        OnSiteRegistration.objects.filter(offer_id=offer_id, arrival__gte=first_arrival)
        .order_by("arrival")
        .values_list("pk", "arrival", "status")
    )
    arrivals = [a for _, a, _ in rows]
    if arrivals != list(range(first_arrival, first_arrival + n)):
        problems.append(f"arrival numbers not {first_arrival}..{first_arrival + n - 1}")
    confirmed = [a for _, a, s in rows if s == "confirmed"]
    waiting = [a for _, a, s in rows if s == "waitlisted"]
    if len(confirmed) != min(places, n):
        problems.append(f"{len(confirmed)} confirmed, expected {min(places, n)}")
    if confirmed != arrivals[: len(confirmed)]:
        problems.append("the confirmed ones are not the first arrivals")
    if len(waiting) != n - len(confirmed):
        problems.append(f"{len(waiting)} waitlisted, expected {n - len(confirmed)}")
    live = OnSiteRegistration.objects.filter(offer_id=offer_id)
    if offer.confirmed != live.filter(status="confirmed").count() or offer.confirmed > offer.quota:
        problems.append(f"offer counter {offer.confirmed} disagrees or exceeds {offer.quota}")
    if offer.waiting != live.filter(status="waitlisted").count():
        problems.append(f"waiting counter {offer.waiting} disagrees with the rows")
    # The waiting list in arrival order: a tenth of it, as the portal shows the position.
    waiting_pks = [pk for pk, _, s in rows if s == "waitlisted"]
    for place, pk in list(enumerate(waiting_pks, start=1))[:: max(1, len(waiting_pks) // 10)]:
        position = waitlist_position(OnSiteRegistration.objects.get(pk=pk))
        if position != place:
            problems.append(f"waiting list position {position} for the {place}th waiting")
            break
    return problems


def run_http(args, cluster_url: str, var_dir: Path, stops: list, postmaster: int) -> list[dict]:
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which(
        "gunicorn"
    )
    if not gunicorn:
        raise SystemExit("gunicorn missing: pip install -e '.[bench]'")
    cores = os.cpu_count() or 2
    serve_args = [a.format(cores=cores) for a in SERVE_DOCUMENTED]
    port = 18600 + os.getpid() % 300
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
        "GONGHUI_DATABASE_URL": cluster_url,
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_DEBUG": "0",
        "GONGHUI_HTTPS": "0",
        "GONGHUI_TRUSTED_PROXY": "1",
        "GONGHUI_DB_CONN_MAX_AGE": "60",
        "PYTHONPATH": str(ROOT),
    }
    command = [gunicorn, "gonghui.wsgi:application", "--bind", f"127.0.0.1:{port}", *serve_args,
               "--backlog", "2048", "--log-level", "warning", "--chdir", str(ROOT)]  # fmt: skip
    log("serving: gunicorn " + " ".join(command[1:]))
    server = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    results = []
    try:
        for _ in range(150):
            with contextlib.suppress(OSError):
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/portal/outreach/", headers={"Host": "127.0.0.1"})
                if connection.getresponse().status == 200:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer")
        for mode, (stop_id, offer_id) in zip(("at once", "one at a time"), stops, strict=True):
            path = f"/portal/outreach/stops/{stop_id}/"
            base = 10_000 if mode == "at once" else 20_000
            clients = [Client(port, base + i, path) for i in range(args.clients)]
            _open_pages(clients)
            app_cpu, db_cpu = CpuMeter(server.pid), CpuMeter(postmaster)
            app_cpu.start()
            db_cpu.start()
            seconds = (_burst if mode == "at once" else _serial)(clients, offer_id)
            app_s, db_s = app_cpu.stop(), db_cpu.stop()
            ms = [c.ms for c in clients]
            errors = [c.error for c in clients if c.error]
            problems = check_queue(offer_id, args.filled + 1, args.places, args.clients)
            results.append(
                {
                    "mode": mode,
                    "rps": len(clients) / seconds,
                    "seconds": seconds,
                    "p50": percentile(ms, 0.5),
                    "p99": percentile(ms, 0.99),
                    "max": max(ms),
                    "errors": errors,
                    "cpu_ms": 1000 * (app_s + db_s) / len(clients),
                    "problems": problems,
                }
            )
            log(
                f"{mode}: {len(clients)} registrations in {seconds:.2f}s, "
                f"{len(errors)} errors, queue {problems or 'OK'}"
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    return results


def setup_stops(args, township) -> list[tuple[int, int]]:
    """Two identical stops, each with `filled` of `filled + places` places taken."""
    from django.utils import timezone

    from gonghui.outreach.caravans import services
    from gonghui.outreach.caravans.models import RegistrationChannel

    caravan = services.caravan_create(
        actor=None, org=township, name="基准大篷车", kind="service", services=["job_aid"]
    )
    start = timezone.now() + datetime.timedelta(days=3)
    out = []
    for n in range(2):
        stop = services.stop_create(
            actor=None, caravan=caravan, org=township, starts_at=start,
            ends_at=start + datetime.timedelta(hours=4), place=f"基准广场{n + 1}",
            lng=119.72, lat=29.10, host_kind="community", host_name="基准社区",
            offers=[{"service": "job_aid", "quota": args.filled + args.places}],
        )  # fmt: skip
        offer = stop.offers.get()
        for i in range(args.filled):
            services.registration_create(
                actor=None, stop=stop, offer=offer, channel=RegistrationChannel.PORTAL,
                name=f"已登记{i}",
            )  # fmt: skip
        out.append((stop.pk, offer.pk))
    return out


# --- part 2: the follow-up due list ----------------------------------------------------------


def load_registrations(raw, args, tree: dict, caravan_id: int, today: datetime.date, rng):
    """COPY stops, offers, registrations and follow-ups; returns (stops, followups)."""
    from django.db.models import Max

    from gonghui.outreach.caravans.models import CaravanStop, OnSiteRegistration, StopOffer
    from gonghui.outreach.followups.models import FollowUp

    def after(model) -> int:  # ids follow the rows made through the app (the HTTP part)
        return model.objects.aggregate(top=Max("id"))["top"] or 0

    stop0, offer0, reg0 = after(CaravanStop), after(StopOffer), after(OnSiteRegistration)
    follow0 = after(FollowUp)
    n_orgs = len(tree["kind"])
    # Stops at unions of the tree (not the county root), weighted toward the lower levels.
    hosts = [i + 1 for i in range(1, n_orgs) if tree["level"][i] >= 5]
    stop_rows, stops = [], []
    for i in range(args.stops):
        org = rng.choice(hosts)
        day = today + datetime.timedelta(days=rng.randint(-365, 30))
        stops.append((stop0 + i + 1, offer0 + i + 1, org, tree["anchor"][org - 1], day))
        starts = f"{day.isoformat()} 09:00+08"
        stop_rows.append({
            "id": stop0 + i + 1, "created_at": STAMP, "updated_at": STAMP, "org_id": org,
            "org_anchor_id": tree["anchor"][org - 1], "caravan_id": caravan_id,
            "starts_at": starts, "ends_at": f"{day.isoformat()} 13:00+08",
            "place": f"站点{i + 1}", "lng": 119.7, "lat": 29.1, "host_kind": "community",
            "status": "done" if day < today else "planned",
        })  # fmt: skip
    copy_rows(raw, CaravanStop, stop_rows, {})
    per_stop = [0] * len(stops)
    regs, follows = [], []
    results = ["training_started", "still_looking", "employed", "unreachable", "employed"]
    for i in range(args.registrations):
        s = rng.randrange(len(stops))
        stop_id, offer_id, org, anchor, day = stops[s]
        per_stop[s] += 1
        registration_id = reg0 + i + 1
        regs.append({
            "id": registration_id, "created_at": STAMP, "updated_at": STAMP, "org_id": org,
            "org_anchor_id": anchor, "stop_id": stop_id, "offer_id": offer_id,
            "reference": f"B{registration_id:09d}", "arrival": per_stop[s],
            "status": "confirmed", "channel": "on_site", "registered_on": day,
            "name": f"职工{registration_id}",
        })  # fmt: skip
        closed = False
        for number, offset in enumerate((7, 30, 90), start=1):
            due = day + datetime.timedelta(days=offset)
            row = {
                "id": follow0 + len(follows) + 1, "created_at": STAMP, "updated_at": STAMP,
                "org_id": org, "org_anchor_id": anchor, "registration_id": registration_id,
                "number": number, "offset_days": offset, "due_on": due, "status": "pending",
            }  # fmt: skip
            if closed:
                row["status"] = "closed"
            elif due < today and rng.random() < 0.7:
                result = rng.choice(results)
                row.update(status="done", done_on=due, result=result)
                closed = result == "employed"
            follows.append(row)
    offers = [
        {"id": offer_id, "stop_id": stop_id, "service": "job_aid", "quota": max(n, 1),
         "confirmed": n, "arrivals": n}
        for (stop_id, offer_id, *_), n in zip(stops, per_stop, strict=True)
    ]  # fmt: skip
    copy_rows(raw, StopOffer, offers, {})
    copy_rows(raw, OnSiteRegistration, regs, {})
    copy_rows(raw, FollowUp, follows, {})
    return len(stops), len(follows)


def time_due_lists(users: dict, repeat: int) -> list[dict]:
    from django.db import connection

    from gonghui.outreach.followups.selectors import followup_due_list

    cases = [(who, due) for who in users for due in ("week", "overdue")]
    compiled = {}
    for who, due in cases:
        rows = followup_due_list(users[who], due=due)[:51]
        sql, params = rows.query.sql_with_params()
        compiled[(who, due)] = (sql, params, len(list(rows)))
    times = {case: {"orm": [], "sql": []} for case in cases}
    for _ in range(repeat):  # interleaved, so the machine's load hits every case alike
        for case in cases:
            who, due = case
            started = time.perf_counter()
            list(followup_due_list(users[who], due=due)[:51])
            times[case]["orm"].append((time.perf_counter() - started) * 1000)
            sql, params, _ = compiled[case]
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            times[case]["sql"].append((time.perf_counter() - started) * 1000)
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / "outreach_due_plans.txt", "w") as out, connection.cursor() as cursor:
        for case in cases:
            sql, params, _ = compiled[case]
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            out.write(f"--- {case[0]}, due={case[1]}\n{sql}\n")
            out.write("\n".join(r[0] for r in cursor.fetchall()) + "\n\n")
    return [
        {
            "who": who,
            "due": due,
            "rows": compiled[(who, due)][2],
            "orm_median": percentile(times[(who, due)]["orm"], 0.5),
            "orm_p95": percentile(times[(who, due)]["orm"], 0.95),
            "sql_median": percentile(times[(who, due)]["sql"], 0.5),
        }
        for who, due in cases
    ]


# --- the run -----------------------------------------------------------------------------------


def run(args, cluster) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from gonghui.orgs.models import Org
    from gonghui.outreach.caravans import services as caravans
    from gonghui.outreach.caravans.models import CaravanStop
    from gonghui.outreach.followups.models import FollowUp
    from gonghui.testing.fixtures import make_user

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # pages need the manifest
    rng = random.Random(args.seed)
    tree = build_tree(args.orgs, args.townships, rng)
    with connection.cursor() as cursor:
        load_orgs(cursor.cursor, tree)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('orgs_org', 'id'), %s)", [len(tree["kind"])]
        )
    townships = [i + 1 for i, level in enumerate(tree["level"]) if level == 5]
    sizes = sorted((tree["anchor"].count(t), t) for t in townships)
    township = Org.objects.get(pk=sizes[len(sizes) // 2][1])
    grassroots = Org.objects.filter(anchor=township, level__gte=6).order_by("id").first()
    log(f"{args.orgs:,} orgs; township #{township.pk} has {sizes[len(sizes) // 2][0]:,} orgs")

    load = os.getloadavg()
    postmaster = int((cluster.root / "data" / "postmaster.pid").read_text().split()[0])
    stops = setup_stops(args, township)
    log(f"two stops with {args.filled} of {args.filled + args.places} places taken")
    var_dir = Path(os.environ["GONGHUI_VAR_DIR"])
    http_results = run_http(args, cluster.url, var_dir, stops, postmaster)

    log(f"loading {args.registrations:,} registrations at {args.stops:,} stops")
    caravan = caravans.caravan_create(
        actor=None,
        org=Org.objects.get(pk=1),
        name="基准县大篷车",
        kind="service",
        services=["job_aid"],
    )
    today = timezone.localdate()
    with connection.cursor() as cursor:
        n_stops, n_follows = load_registrations(cursor.cursor, args, tree, caravan.pk, today, rng)
        for table in ("outreach_caravanstop", "outreach_stopoffer",
                      "outreach_onsiteregistration", "outreach_followup"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute("VACUUM (ANALYZE)")
    pending = FollowUp.objects.filter(status="pending").count()
    overdue = FollowUp.objects.filter(status="pending", due_on__lt=today).count()
    log(f"{n_follows:,} follow-ups ({pending:,} pending, {overdue:,} overdue); VACUUM ANALYZE")
    host = (  # a grassroots union that hosted stops, so its list is not empty
        CaravanStop.objects.filter(org__anchor=township, org__level__gte=6)
        .order_by("id")
        .values_list("org_id", flat=True)
        .first()
    )
    grassroots = Org.objects.get(pk=host) if host else grassroots
    users = {
        "county": make_user("bench_county", "county_staff", Org.objects.get(pk=1)),
        "township": make_user("bench_township", "township_staff", township),
        "grassroots": make_user("bench_grassroots", "grassroots_staff", grassroots),
    }
    due_results = time_due_lists(users, args.repeat)
    load_after = os.getloadavg()

    print()
    print(f"registrations: {args.clients} for the last {args.places} of "
          f"{args.filled + args.places} places, portal POST over HTTP, gunicorn "
          f"{' '.join(a.format(cores=os.cpu_count() or 2) for a in SERVE_DOCUMENTED)}")  # fmt: skip
    print(f"  {'':<15}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'CPU ms/reg':>12}{'errors':>8}  queue")  # fmt: skip
    for r in http_results:
        print(f"  {r['mode']:<15}{r['rps']:8.1f}{r['p50']:9.1f}{r['p99']:9.1f}{r['max']:9.1f}"
              f"{r['cpu_ms']:12.1f}{len(r['errors']):8d}  "
              f"{'; '.join(r['problems']) or 'OK'}")  # fmt: skip
    burst = http_results[0]
    serial = http_results[1]
    print(f"  at once / one at a time: {burst['rps'] / serial['rps']:.2f}x the throughput, "
          f"{burst['cpu_ms'] / serial['cpu_ms']:.2f}x the CPU per registration")  # fmt: skip
    for r in http_results:
        for error in r["errors"][:5]:
            print(f"  error ({r['mode']}): {error}")
    queue_ok = not burst["problems"] and not burst["errors"]
    print(f"  verdict: {'PASS' if queue_ok else 'FAIL'} (exactly {args.places} confirmed, the "
          f"rest waitlisted in arrival order, 0 errors)")  # fmt: skip
    print()
    print(f"follow-up due list: {args.registrations:,} registrations, {n_follows:,} follow-ups "
          f"({pending:,} pending, {overdue:,} overdue), first page (51 rows fetched), "
          f"{args.repeat} runs")  # fmt: skip
    print(f"  {'user':<12}{'filter':<9}{'rows':>6}{'ORM median':>12}{'ORM p95':>10}"
          f"{'SQL median':>12}{'ORM/SQL':>9}")  # fmt: skip
    for r in due_results:
        print(f"  {r['who']:<12}{r['due']:<9}{r['rows']:>6}{r['orm_median']:10.2f}ms"
              f"{r['orm_p95']:8.2f}ms{r['sql_median']:10.2f}ms"
              f"{r['orm_median'] / max(r['sql_median'], 1e-6):8.2f}x")  # fmt: skip
    worst = max(r["orm_median"] for r in due_results)
    print(f"  verdict: {'PASS' if worst <= TARGET_DUE_MS else 'FAIL'} (worst median "
          f"{worst:.2f} ms, target ≤ {TARGET_DUE_MS:.0f} ms); plans in "
          "bench/out/outreach_due_plans.txt")  # fmt: skip
    print(f"  load average before / after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} / "
          f"{load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} on {os.cpu_count()} cores")  # fmt: skip
    return 0 if queue_ok and worst <= TARGET_DUE_MS else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=300, help="registrations at once")
    parser.add_argument("--places", type=int, default=100, help="places left at the stop")
    parser.add_argument("--filled", type=int, default=300, help="places taken before")
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--stops", type=int, default=2_000)
    parser.add_argument("--orgs", type=int, default=5_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=50, help="due-list runs (median)")
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-bench-outreach-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster(
        extra_conf={"maintenance_work_mem": "'256MB'", "max_connections": "200"}
    )
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(var_dir)
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_HTTPS"] = "0"
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ["GONGHUI_LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args, cluster)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log("cluster stopped and removed")


if __name__ == "__main__":
    sys.exit(main())
