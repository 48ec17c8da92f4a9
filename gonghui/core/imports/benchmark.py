"""Validation-pass throughput on a synthetic enterprise-like CSV (parse + check, no writes).

    .venv/bin/python -m gonghui.core.imports.benchmark [rows]

Prints rows/s for reading+parsing alone, and for the full validation pass (which adds the
enterprise kind's per-batch lookups: against an empty database they cost little).
"""

import os
import sys
import tempfile
import time


def _credit_code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91999001MD{n:07d}"
    return body + uscc.calc_check_digit(body)


def build_csv(path: str, rows: int) -> None:
    import csv

    header = [
        "单位名称",
        "统一社会信用代码",
        "行业",
        "规模",
        "经济类型",
        "职工人数",
        "是否建会",
        "覆盖工会编码",
        "所在行政区划代码",
        "地址",
        "法定代表人",
        "联系人",
        "联系电话",
    ]
    industries = ["C", "制造业", "F", "批发和零售业", "I"]
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["某某县用人单位名单"])
        writer.writerow(header)
        for n in range(rows):
            writer.writerow(
                [
                    f"某某县第{n}号有限公司",
                    _credit_code(n),
                    industries[n % 5],
                    "小型",
                    "私营",
                    str(20 + n % 500),
                    "是" if n % 3 else "否",
                    "",
                    "999999001",
                    f"某某镇工业园{n % 97}号",
                    "张三",
                    "李四",
                    f"1380000{n % 10000:04d}",
                ]
            )


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    django.setup()
    from gonghui.core.imports.header import SCAN_ROWS, find_header
    from gonghui.core.imports.pipeline import RowChecker, batches
    from gonghui.core.imports.reader import CSV, iter_table
    from gonghui.core.imports.registry import get_kind
    from gonghui.core.imports.spec import ImportContext

    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    kind = get_kind("enterprises")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "enterprises.csv")
        build_csv(path, rows)
        size = os.path.getsize(path)

        def checked(with_hooks: bool) -> float:
            started = time.perf_counter()
            _, table = iter_table(path, CSV)
            head = [next(table) for _ in range(2)]
            match = find_header(head[:SCAN_ROWS], kind.spec)
            checker = RowChecker(kind.spec, match.mapping)
            ctx = ImportContext(actor=None, org=None, job=None, kind=kind)
            count = errors = 0
            for batch in batches(table, kind.spec.batch_size):
                parsed = checker.parse_batch(batch)
                if with_hooks:
                    checker.check(ctx, parsed)
                count += len(parsed)
                errors += sum(1 for r in parsed if r.errors)
            elapsed = time.perf_counter() - started
            assert count == rows and errors == 0, (count, errors)
            return elapsed

        parse_only = checked(False)
        print(f"{rows:,} rows, {size / 1e6:.1f} MB CSV")
        rate = rows / parse_only
        print(f"read + parse + per-cell validation: {parse_only:.2f}s = {rate:,.0f} rows/s")
        try:
            from django.db import connection

            connection.ensure_connection()
            full = checked(True)
            print(
                f"… + duplicate keys + per-batch lookups: {full:.2f}s = {rows / full:,.0f} rows/s"
            )
        except Exception as exc:  # no database: the parse figure stands alone
            print(f"(database unavailable for the lookup pass: {exc})")


if __name__ == "__main__":
    main()
