"""Member import benchmark: the full pipeline next to a bare PostgreSQL COPY (issue 3).

What it does (one throwaway PostgreSQL cluster, removed at the end):
1. writes a realistic member list of N rows as .xlsx (xlsxwriter, constant_memory: a title
   row merged above the header, header variants, text dates in three styles and real Excel
   dates, full-width digits, lowercase x, 15-digit legacy IDs, phones as numbers and text)
   and the same rows as .csv (UTF-8 with BOM);
2. migrates, seeds a county (division code 339901) with townships, grassroots unions and
   employers, and a county admin;
3. imports the file through the app's own services (`import_upload` = header detection +
   validation pass, `import_commit` = second validation + COPY of new members and their
   events in batch transactions, mode "skip_invalid"), timing each pass;
4. the floor: `COPY` of the very rows the import wrote (exported with COPY TO, so already
   encrypted and hashed) into a copy of the member table with all its indexes and the
   one-active-ID unique index (`CREATE TABLE ... (LIKE ... INCLUDING ALL)`; no foreign keys);
5. django-import-export (the `bench` extra): its default `Resource.import_data` on a 20,000-row
   sample of the members the app wrote (deleted first, re-imported from their stored values),
   rows/s extrapolated from the sample.

Prints rows/s and peak memory (ru_maxrss of this process, which also wrote the files).

Run:  .venv/bin/python bench/member_import.py --rows 200000
      .venv/bin/python bench/member_import.py                # 1,000,000 rows
      .venv/bin/python bench/member_import.py --rows 200000 --format csv
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

T0 = time.perf_counter()


def log(message: str) -> None:
    print(f"[{time.perf_counter() - T0:7.1f}s] {message}", flush=True)


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --------------------------------------------------------------------------------------------
# The file
# --------------------------------------------------------------------------------------------

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志军海燕文辉鹏飞")
# Fictional counties (xx99xx): valid province codes, no such county, so nobody real.
AREAS = ["339901", "349901", "369901", "419901", "429901", "439901", "519901", "529901"]
HOME = {
    "33": "本县",
    "34": "安徽省",
    "36": "江西省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
}
HOME.update({"51": "四川省", "52": "贵州省"})
FORMS = ["单位职工", "快递员", "外卖骑手", "货车司机", "网约车司机", "灵活就业", "保安员", "家政"]
FORM_WEIGHTS = [70, 6, 6, 4, 4, 5, 3, 2]
EDUCATION = ["大学本科", "大专", "高中", "初中", "中专", "硕士研究生", "小学"]
SKILL = ["无", "初级工", "中级工(四级)", "高级工", "技师"]
POLITICAL = ["群众", "中共党员", "共青团员", "群众", "群众"]
HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "公民身份号码",
    "手机号码",
    "学历",
    "技能等级",
    "户口性质",
    "户籍所在地",
    "政治面貌",
    "工作单位",
    "是否农民工",
    "就业形态",
    "入会日期",
    "工会编码",
]
TODAY = datetime.date(2026, 6, 30)
BIRTH_BASE = datetime.date(1966, 1, 1)


def _check(body: str) -> str:
    checksum = (1 - 2 * int(body, 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


def member_rows(n_rows: int, unions: list[str], employers: list[str], seed: int):
    """Yield (cells, joined date) per row; every row valid, every ID unique by construction."""
    rng = random.Random(seed)
    for n in range(n_rows):
        k, seq = divmod(n, 1000)
        area = AREAS[k % len(AREAS)]
        birth = BIRTH_BASE + datetime.timedelta(days=(k // len(AREAS)) * 97 % 14_600)
        body = f"{area}{birth:%Y%m%d}{seq:03d}"
        number = body + _check(body)
        male = seq % 2 == 1
        style = rng.random()
        if style < 0.01 and birth.year < 2000:
            id_cell = area + f"{birth:%y%m%d}" + f"{seq:03d}"  # 15-digit legacy number
        elif style < 0.02:
            id_cell = _full_width(number)
        elif style < 0.03:
            id_cell = number.lower()
        else:
            id_cell = number
        adult = datetime.date(birth.year + 18, birth.month, min(birth.day, 28))
        joined = min(adult + datetime.timedelta(days=rng.randrange(0, 4000)), TODAY)
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        local = area == "339901"
        migrant = not local and rng.random() < 0.7
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.9 else ""
        form = rng.choices(FORMS, weights=FORM_WEIGHTS)[0]
        cells = [
            n + 1,
            name,
            "男" if male else "女",
            "汉族" if rng.random() < 0.95 else "回族",
            id_cell,
            phone,
            rng.choice(EDUCATION),
            rng.choice(SKILL),
            "农业" if (migrant or rng.random() < 0.3) else "城镇",
            HOME[area[:2]],
            rng.choice(POLITICAL),
            rng.choice(employers) if form == "单位职工" and rng.random() < 0.8 else "",
            "是" if migrant else "否",
            form,
            None,  # joined: filled per format
            rng.choice(unions),
        ]
        yield cells, joined, rng.random()


def _date_text(joined: datetime.date, r: float) -> str:
    if r < 0.25:
        return f"{joined.year}.{joined.month}.{joined.day}"
    if r < 0.5:
        return f"{joined:%Y/%m/%d}"
    if r < 0.75:
        return f"{joined.year}年{joined.month}月{joined.day}日"
    return joined.isoformat()


def write_files(directory: Path, n_rows: int, unions, employers, seed: int) -> tuple[Path, Path]:
    import xlsxwriter

    xlsx_path, csv_path = directory / "members.xlsx", directory / "members.csv"
    workbook = xlsxwriter.Workbook(
        str(xlsx_path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("会员名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.merge_range(0, 0, 0, len(HEADER) - 1, "某某县基层工会会员实名制名册(2026 年)")
    for col, title in enumerate(HEADER):
        sheet.write_string(1, col, title)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["某某县基层工会会员实名制名册(2026 年)"])
        writer.writerow(HEADER)
        for offset, (cells, joined, r) in enumerate(
            member_rows(n_rows, unions, employers, seed), start=2
        ):
            cells[14] = _date_text(joined, r)
            writer.writerow(cells)
            for col, value in enumerate(cells):
                if value == "":
                    continue
                if col == 14 and r >= 0.75:
                    sheet.write_datetime(offset, col, joined, date_format)  # a real Excel date
                elif col == 0 or (col == 5 and r < 0.5):
                    sheet.write_number(offset, col, int(value))  # phones typed as numbers
                else:
                    sheet.write_string(offset, col, str(value))
    workbook.close()
    return xlsx_path, csv_path


# --------------------------------------------------------------------------------------------
# The database
# --------------------------------------------------------------------------------------------


def seed_orgs():
    """A county (339901) with 5 townships × 20 grassroots unions and 200 employers."""
    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create
    from gonghui.testing.fixtures import build_enterprise, make_user

    def mk(parent, name, type_, level, code, division=""):
        return org_create(
            actor=None,
            parent=parent,
            name=name,
            type=type_,
            level=level,
            code=code,
            division_code=division,
        )

    city = mk(None, "某某市总工会", OrgType.FEDERATION, OrgLevel.CITY, "3399")
    county = mk(city, "某某县总工会", OrgType.FEDERATION, OrgLevel.COUNTY, "339901", "339901")
    unions, employers = [], []
    for t in range(5):
        township = mk(
            county, f"第{t}镇总工会", OrgType.TOWNSHIP, OrgLevel.TOWNSHIP, f"339901{t:03d}"
        )
        for u in range(20):
            code = f"339901{t:03d}{u:03d}"
            kind = OrgType.ENTERPRISE if u % 2 else OrgType.COMMUNITY
            mk(township, f"第{t}镇第{u}基层工会", kind, OrgLevel.GRASSROOTS, code)
            unions.append(code)
        for e in range(40):
            employers.append(build_enterprise(org=township, name=f"第{t}镇第{e}号有限公司").name)
    admin = make_user("bench_admin", "county_admin", county)
    return admin, county, unions, employers


def postgres_cpu_seconds() -> float:
    """CPU time of the cluster's processes so far, exited backends included (the postmaster
    reaps them: its children's times). Linux /proc only; 0 elsewhere."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if stat.read_text().split("(", 1)[1].startswith("postgres"):
                total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / ticks


def copy_floor(cursor, directory: Path, runs: int) -> tuple[float, int, list[float]]:
    """COPY the imported member rows into fresh indexed copies of the table, `runs` times:
    (median seconds, rows, every run's seconds). The floor varies by ±20 % from run to run
    here; one lucky or unlucky run should not decide the ratio."""
    dump = directory / "members.copy"
    with open(dump, "wb") as out, cursor.copy("COPY members_member TO STDOUT") as copy:
        for chunk in copy:
            out.write(chunk)
    times = []
    for run in range(runs):
        table = f"bench_member_copy_{run}"
        cursor.execute(f"CREATE TABLE {table} (LIKE members_member INCLUDING ALL)")
        cursor.execute("CHECKPOINT")
        cursor.connection.commit()
        started = time.perf_counter()
        with open(dump, "rb") as source, cursor.copy(f"COPY {table} FROM STDIN") as copy:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
        cursor.connection.commit()
        times.append(time.perf_counter() - started)
        cursor.execute(f"SELECT count(*) FROM {table}")
        count = cursor.fetchone()[0]
        cursor.execute(f"DROP TABLE {table}")
        cursor.connection.commit()
    return statistics.median(times), count, times


def copy_floor_with_foreign_keys(cursor, directory: Path) -> float:
    """The same COPY into a copy that also has the member table's foreign keys (checked at
    commit, as Django declares them DEFERRABLE INITIALLY DEFERRED): seconds incl. COMMIT."""
    cursor.execute("CREATE TABLE bench_member_copy_fk (LIKE members_member INCLUDING ALL)")
    cursor.execute(
        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'members_member'::regclass AND contype = 'f'"
    )
    for (definition,) in cursor.fetchall():
        cursor.execute(f"ALTER TABLE bench_member_copy_fk ADD {definition}")
    cursor.connection.commit()
    started = time.perf_counter()
    dump = directory / "members.copy"
    with open(dump, "rb") as source, cursor.copy("COPY bench_member_copy_fk FROM STDIN") as copy:
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    cursor.connection.commit()
    return time.perf_counter() - started


def instrument() -> dict[str, float]:
    """Time the commit pass's main costs by wrapping them (a few µs of overhead per call)."""
    from gonghui.core.imports import pipeline
    from gonghui.members import importers

    spent = {
        "re-checks": 0.0,
        "prepare": 0.0,
        "of which pinyin+grams": 0.0,
        "batch writer": 0.0,
        "of which COPY members": 0.0,
        "insert events": 0.0,
    }

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started

        return wrapper

    importers.name_search_fields = timed("of which pinyin+grams", importers.name_search_fields)
    spec = importers.MEMBER_SPEC
    # The spec is frozen; the wrappers time the commit pass only (installed after validation).
    object.__setattr__(spec, "validate_batch", timed("re-checks", spec.validate_batch))
    object.__setattr__(spec, "batch_prepare", timed("prepare", spec.batch_prepare))
    object.__setattr__(spec, "batch_commit", timed("batch writer", spec.batch_commit))
    write = pipeline.PreparedInsert.write
    pipeline.PreparedInsert.write = timed("of which COPY members", write)
    importers._joined_events = timed("insert events", importers._joined_events)
    return spent


def profiled(enabled: bool):
    """A context manager factory: cProfile the block into bench/out/member_import_<name>.pstats."""

    @contextlib.contextmanager
    def block(name: str):
        if not enabled:
            yield
            return
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            out = ROOT / "bench" / "out" / f"member_import_{name}.pstats"
            profile.dump_stats(out)
            log(f"profile of the {name} pass: {out}")

    return block


IIE_SAMPLE = 20_000


def django_import_export(sample: int) -> tuple[float, str]:
    """django-import-export's default `Resource.import_data` on `sample` of the very members
    the app imported (deleted first, then imported again from their stored values): its
    rows/s, extrapolated from the sample. (0, reason) when the package is missing."""
    try:
        import tablib
        from import_export import resources
    except ImportError:
        return 0.0, "not installed (pip install -e '.[bench]'): not measured"
    from gonghui.members.models import Member, MembershipEvent

    class MemberResource(resources.ModelResource):
        class Meta:
            model = Member

    members = list(Member.objects.order_by("id")[:sample])
    fields = [f for f in Member._meta.concrete_fields if not f.primary_key]
    rows = [
        [None, *[getattr(m, f.attname if f.is_relation else f.name) for f in fields]]
        for m in members
    ]
    MembershipEvent.objects.filter(member__in=members).delete()
    Member.objects.filter(pk__in=[m.pk for m in members]).delete()
    dataset = tablib.Dataset(*rows, headers=["id", *[f.name for f in fields]])
    log(f"django-import-export: default Resource.import_data of {sample:,} rows")
    started = time.perf_counter()
    result = MemberResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    created = result.totals.get("new", 0)
    rate = sample / elapsed
    log(f"django-import-export: {created:,} created in {elapsed:.1f}s = {rate:,.0f} rows/s")
    return rate, (
        f"{rate:>12,.0f} rows/s  ({sample:,}-row sample of the same members, default "
        f"Resource.import_data: one lookup + save() per row; extrapolated, not run on all rows)"
    )


def empty_member_tables(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_membershipevent, members_member CASCADE")
        cursor.execute("UPDATE members_cardnumbersequence SET last = 0")
        cursor.execute("VACUUM ANALYZE members_member")
        cursor.execute("CHECKPOINT")


def two_pass_import(admin, county, path: Path, spent: dict, profiler) -> tuple[float, float, int]:
    """Preview (validation pass) then commit, as the upload page does: (validate s, commit s,
    members created)."""
    from django.core.files import File

    from gonghui.core.imports.services import import_commit, import_upload
    from gonghui.members.models import Member, MembershipEvent

    started = time.perf_counter()
    with profiler("validate"), open(path, "rb") as handle:
        job = import_upload(
            actor=admin, kind="members", file=File(handle, name=path.name), org=county,
            background=False,
        )  # fmt: skip
    validate_s = time.perf_counter() - started
    log(
        f"validation pass: {job.total_rows:,} rows ({job.valid_rows:,} valid, "
        f"{job.error_rows:,} errors) in {validate_s:.1f}s = {job.total_rows / validate_s:,.0f} "
        f"rows/s; first errors: {job.error_sample[:3]}; peak so far {peak_mib():.0f} MiB"
    )
    spent.update(dict.fromkeys(spent, 0.0))  # from here on: the commit pass only
    started = time.perf_counter()
    with profiler("commit"):
        job = import_commit(actor=admin, job=job, mode="skip_invalid")
    commit_s = time.perf_counter() - started
    log(
        f"commit pass: status {job.status}, created {job.created_count:,}, rejected "
        f"{job.rejected_count:,} in {commit_s:.1f}s = {job.processed_rows / commit_s:,.0f} rows/s"
        f" {job.message}"
    )
    log(
        "inside the commit pass: "
        + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in spent.items())
    )
    members = Member.objects.count()
    events = MembershipEvent.objects.count()
    log(f"in the database: {members:,} members, {events:,} membership events")
    return validate_s, commit_s, job.created_count


def run(args, directory: Path) -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.core.files import File
    from django.core.management import call_command
    from django.db import connection

    from gonghui.core.imports.services import import_upload

    # A 1,000,000-row .xlsx is ~60 MB: above the app's 20 MB upload limit (see README).
    settings.IMPORT_MAX_FILE_BYTES = 1 << 31
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1 << 33
    settings.IMPORT_MAX_ROWS = max(settings.IMPORT_MAX_ROWS, args.rows)

    log("migrating")
    call_command("migrate", verbosity=0, interactive=False)
    admin, county, unions, employers = seed_orgs()
    log(f"seeded {len(unions)} grassroots unions, {len(employers)} employers")
    started = time.perf_counter()
    xlsx_path, csv_path = write_files(directory, args.rows, unions, employers, args.seed)
    log(
        f"wrote {args.rows:,} rows: .xlsx {xlsx_path.stat().st_size / 1e6:.1f} MB, "
        f".csv {csv_path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f}s"
        f" (peak so far {peak_mib():.0f} MiB)"
    )
    path = xlsx_path if args.format == "xlsx" else csv_path

    spent = instrument()
    if args.sequential:  # compare: every batch written before the next is read
        from gonghui.core.imports import pipeline

        pipeline._BatchWriter.usable = staticmethod(lambda *args: False)
    profiler = profiled(args.profile)
    two_pass = None if args.direct_only else two_pass_import(admin, county, path, spent, profiler)

    # The file as a direct import (one pass, no preview), into empty tables, `--direct-runs`
    # times (the median counts, as for the floor); each run starts after a CHECKPOINT, so no
    # run pays for the previous one's dirty pages.
    times = []
    for _ in range(args.direct_runs):
        empty_member_tables(connection)
        spent.update(dict.fromkeys(spent, 0.0))
        cpu_before = (time.process_time(), postgres_cpu_seconds())
        started = time.perf_counter()
        with profiler("direct"), open(path, "rb") as handle:
            job = import_upload(
                actor=admin, kind="members", file=File(handle, name=path.name), org=county,
                background=False, direct_mode="skip_invalid",
            )  # fmt: skip
        times.append(time.perf_counter() - started)
        python_cpu = time.process_time() - cpu_before[0]
        postgres_cpu = postgres_cpu_seconds() - cpu_before[1]
        log(
            f"direct import: status {job.status}, created {job.created_count:,}, rejected "
            f"{job.rejected_count:,} in {times[-1]:.1f}s = {args.rows / times[-1]:,.0f} rows/s; "
            "inside: " + ", ".join(f"{name} {seconds:.1f}s" for name, seconds in spent.items())
        )
        log(
            f"direct import CPU: this process {python_cpu:.1f}s, PostgreSQL {postgres_cpu:.1f}s"
            f" (2 cores: {(python_cpu + postgres_cpu) / times[-1]:.2f} busy)"
        )
    direct_s = statistics.median(times)
    direct_runs = ", ".join(f"{t:.1f}" for t in times)
    full_rate = args.rows / direct_s

    with connection.cursor() as cursor:
        raw = cursor.cursor
        copy_s, copied, floor_runs = copy_floor(raw, directory, args.floor_runs)
        copy_fk_s = copy_floor_with_foreign_keys(raw, directory)
    copy_rate = copied / copy_s
    runs = ", ".join(f"{t:.1f}" for t in floor_runs)
    log(
        f"COPY floor: {copied:,} rows in {copy_s:.1f}s (median of {runs}) = {copy_rate:,.0f} rows/s"
    )
    log(f"COPY with the foreign keys too: {copy_fk_s:.1f}s = {copied / copy_fk_s:,.0f} rows/s")

    if args.iie_sample:
        iie_rate, iie = django_import_export(min(args.iie_sample, args.rows))
    else:
        iie_rate, iie = 0.0, "skipped (--iie-sample 0)"
    if iie_rate:
        ratio = full_rate / iie_rate
        iie += (
            f"\ndirect import / d-i-e     {ratio:>12.1f}×  (target ≥ 50×: "
            f"{'PASS' if ratio >= 50 else 'FAIL'})"
        )

    print()
    print(f"rows                     {args.rows:>12,}   ({args.format}, {path.name})")
    if two_pass is not None:
        validate_s, commit_s, _ = two_pass
        total_s = validate_s + commit_s
        print(
            f"validation pass          {args.rows / validate_s:>12,.0f} rows/s  {validate_s:7.1f} s"
        )
        print(f"commit pass              {args.rows / commit_s:>12,.0f} rows/s  {commit_s:7.1f} s")
        two_pass_rate = args.rows / total_s
        print(f"preview + commit (both)  {two_pass_rate:>12,.0f} rows/s  {total_s:7.1f} s"
              f"   = {two_pass_rate / copy_rate:.2f}× COPY")  # fmt: skip
    print(
        f"direct import (one pass) {full_rate:>12,.0f} rows/s  {direct_s:7.1f} s   (median of {direct_runs})"
    )
    print(
        f"bare COPY (floor)        {copy_rate:>12,.0f} rows/s  {copy_s:7.1f} s   (median of {runs})"
    )
    print(f"  same, with the FKs     {copied / copy_fk_s:>12,.0f} rows/s  {copy_fk_s:7.1f} s"
          f"   (direct / this: {full_rate / (copied / copy_fk_s):.2f}×)")  # fmt: skip
    verdict = "PASS" if full_rate >= 0.4 * copy_rate else "FAIL"
    print(f"direct / COPY            {full_rate / copy_rate:>12.2f}×  (target ≥ 0.40×: {verdict})")
    print(f"django-import-export     {iie}")
    peak = peak_mib()
    print(f"peak memory (ru_maxrss)  {peak:>12,.0f} MiB (target < 2048: "
          f"{'PASS' if peak < 2048 else 'FAIL'})")  # fmt: skip
    created = [job.created_count, *([two_pass[2]] if two_pass else [])]
    return 0 if set(created) == {args.rows} else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--iie-sample", type=int, default=IIE_SAMPLE, help="django-import-export sample; 0 skips"
    )
    parser.add_argument(
        "--sequential", action="store_true", help="no overlapped batch writer (for comparison)"
    )
    parser.add_argument("--floor-runs", type=int, default=3, help="COPY floor runs (median)")
    parser.add_argument("--direct-runs", type=int, default=3, help="direct import runs (median)")
    parser.add_argument(
        "--direct-only", action="store_true", help="skip the preview + commit (two-pass) import"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile both passes into bench/out/*.pstats"
    )
    args = parser.parse_args()

    from gonghui.core.testing.pgcluster import start_cluster

    directory = Path(tempfile.mkdtemp(prefix="gonghui-bench-members-"))
    log("starting a throwaway PostgreSQL cluster")
    cluster = start_cluster()  # autovacuum on, as in production: the table grows under it
    try:
        os.environ["GONGHUI_DATABASE_URL"] = cluster.url
        os.environ["GONGHUI_VAR_DIR"] = str(directory / "var")
        os.environ["GONGHUI_DEBUG"] = "0"
        os.environ["GONGHUI_DB_CONN_MAX_AGE"] = "0"
        os.environ["GONGHUI_TASK_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
        os.environ["GONGHUI_LOG_LEVEL"] = "WARNING"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
        return run(args, directory)
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        cluster.stop()
        shutil.rmtree(directory, ignore_errors=True)
        log("cluster stopped and removed")


if __name__ == "__main__":
    sys.exit(main())
