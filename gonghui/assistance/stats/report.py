"""The standard report of hardship assistance as a workbook of several sheets (issue 4
"Statistics … the standard report as .xlsx").

Built from `stats.ArchiveStats` (counts and amounts only, no personal data), one sheet per
measure, each headed by a title row naming the union(s) the figures cover and the year:

1. 各组织统计: the per-org table of the page plus the main-cause columns;
2. 困难类别与致困原因: households 帮扶中 by category, by cause (main / any);
3. 增量存量返困: the year's flows, in total and by org;
4. 城镇职工与农民工: the split by group and category;
5. 帮扶资金: aid paid by programme and by org (the page's tables);
6. 监测预警: alerts opened, closed on time, overdue, by rule (the page's tables).

A part of the platform that is not installed (stats.EXTERNAL_STATS) gets a sheet saying so
rather than invented zeros.
"""

from gonghui.assistance.stats import selectors as stats
from gonghui.core.export import Sheet, SheetTable
from gonghui.core.scope import scope_roots
from gonghui.orgs.models import Org, OrgLevel

REPORT_TITLE = "困难职工帮扶统计表"
EXTERNAL_SHEETS = {"aid": "帮扶资金", "alerts": "监测预警"}
FLOW_NOTES = {
    "new": ("增量", "本年度首次建档"),
    "existing": ("存量", "本年度以前建档且年初未脱困"),
    "relapsed": ("返困", "本年度认定返困"),
}


def report_place(user, action: str) -> str:
    """Who the figures cover, for the title row: the county, or county·township (several
    scope roots joined by 、)."""
    roots = scope_roots(user, stats.MODULE, action)
    orgs = list(Org.objects.filter(pk__in=[r.org_id for r in roots]).order_by("path"))
    counties = {
        o.pk: o.name
        for o in Org.objects.filter(
            pk__in={pk for org in orgs for pk in org.ancestor_ids()}, level=OrgLevel.COUNTY
        )
    }
    names = []
    for org in orgs:
        county = next((counties[pk] for pk in org.ancestor_ids() if pk in counties), None)
        names.append(f"{county}·{org.name}" if county and org.level > OrgLevel.COUNTY else org.name)
    return "、".join(names)


def _categories(data: stats.ArchiveStats) -> list[SheetTable]:
    by_category = [[label, n] for _code, label, n in data.by_category]
    by_category.append(["合计", data.total.counts["live"]])
    return [
        SheetTable(["困难类别", "帮扶中(户)"], by_category, caption="按困难类别"),
        SheetTable(
            ["致困原因", "作为主要原因(户)", "含次要原因(户)"],
            [[label, main, any_] for _code, label, main, any_ in data.by_cause],
            caption="按致困原因(一户可有一项主要原因和至多三项次要原因)",
        ),
    ]


def _flows(data: stats.ArchiveStats) -> list[SheetTable]:
    year = data.year
    summary = [
        [f"{year}年{label}", data.flows.get(key, 0), note]
        for key, (label, note) in FLOW_NOTES.items()
    ]
    by_org = [
        [row.label, *(row.counts[key] for key in FLOW_NOTES)] for row in [*data.rows, data.total]
    ]
    headers = ["组织", *(f"{year}年{label}" for label, _note in FLOW_NOTES.values())]
    return [
        SheetTable(["指标", "户数", "口径"], summary, caption="全部"),
        SheetTable(headers, by_org, caption="按组织"),
    ]


def _groups(data: stats.ArchiveStats) -> list[SheetTable]:
    labels = [label for _code, label, _n in data.by_category]
    rows = [
        [label, group["total"], *(group[code] for code in stats.CATEGORIES)]
        for label, group in data.groups
    ]
    rows.append(["合计", *(sum(row[i] for row in rows) for i in range(1, len(labels) + 2))])
    return [SheetTable(["群体", "帮扶中(户)", *labels], rows)]


def _external(tables: list[stats.Table] | None, name: str) -> list[SheetTable]:
    if tables is None:
        return [SheetTable(["说明"], [[f"{EXTERNAL_SHEETS[name]}统计尚未提供。"]])]
    return [SheetTable(t.headers, t.rows, caption=t.title) for t in tables]


def report_sheets(data: stats.ArchiveStats, *, place: str) -> list[Sheet]:
    year = data.year

    def title(what: str) -> str:
        return f"{place}{what}({year}年)"

    headers, rows = stats.stats_table(data)
    return [
        Sheet("各组织统计", [SheetTable(headers, rows)], title=title(REPORT_TITLE)),
        Sheet("困难类别与致困原因", _categories(data), title=title("困难职工类别与致困原因")),
        Sheet("增量存量返困", _flows(data), title=title("困难职工增量、存量、返困")),
        Sheet("城镇职工与农民工", _groups(data), title=title("城镇职工与农民工困难职工")),
        *(
            Sheet(label, _external(data.external.get(name), name), title=title(label + "统计"))
            for name, label in EXTERNAL_SHEETS.items()
        ),
    ]
