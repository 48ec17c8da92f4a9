"""The annual return as the paper forms lay it out (.xlsx): one sheet per form (基层工会调查表,
基层以上工会调查表) with the form's heading, the reporting union and the statistical date
above a ruled table of 指标名称 / 代码 / 计量单位 / 数量, the signature lines below, printable
on A4; a last sheet lists the logic checks' results. Every text cell is neutralised against
formula injection (core.export.neutralise)."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils import timezone

from gonghui.core.export import neutralise
from gonghui.dashboard.returns.items import ABOVE, GRASSROOTS, reporting_period
from gonghui.dashboard.returns.models import ReturnStatus

FORMS = (GRASSROOTS, ABOVE)
HEADERS = ("指标名称", "代码", "计量单位", "数量", "取数来源")
WIDTHS = (44, 8, 10, 16, 30)


def _status_line(annual) -> str:
    if annual.status == ReturnStatus.SUBMITTED:
        when = timezone.localtime(annual.submitted_at).strftime("%Y-%m-%d %H:%M")
        return f"状态：已上报({when})，数据已冻结"
    when = timezone.localtime(annual.snapshot_at).strftime("%Y-%m-%d %H:%M")
    return f"状态：填报中(取数时间 {when})"


def paper_workbook(annual, rows, failures) -> tuple[bytes, int]:
    """(the .xlsx, item rows written) of the return `annual` with its `rows`
    (selectors.return_rows) and `failures` (selectors.return_failures)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    note = book.add_format({"font_size": 10})
    note_right = book.add_format({"font_size": 10, "align": "right"})
    head = book.add_format(
        {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#F2F2F2"}
    )
    text = book.add_format({"border": 1, "valign": "vcenter"})
    indented = book.add_format({"border": 1, "valign": "vcenter", "indent": 2})
    centred = book.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    number = book.add_format({"border": 1, "num_format": "#,##0.##", "valign": "vcenter"})
    start, end = reporting_period(annual.year)
    written = 0
    for form in FORMS:
        mine = [r for r in rows if r.item.form == form]
        if not mine:
            continue
        sheet = book.add_worksheet(form)
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.center_horizontally()
        for col, width in enumerate(WIDTHS):
            sheet.set_column(col, col, width)
        last = len(HEADERS) - 1
        sheet.merge_range(0, 0, 0, last, f"{annual.year} 年{form}", title)
        sheet.merge_range(
            1,
            0,
            1,
            last,
            f"统计时点：{end:%Y 年 %m 月 %d 日}(统计期 {start:%Y-%m-%d} 至 {end:%Y-%m-%d})",
            note,
        )
        sheet.merge_range(2, 0, 2, 2, neutralise(f"填报单位(盖章)：{annual.org.name}"), note)
        sheet.merge_range(2, 3, 2, last, neutralise(f"组织编码：{annual.org.code}"), note_right)
        sheet.merge_range(3, 0, 3, last, _status_line(annual), note)
        for col, header in enumerate(HEADERS):
            sheet.write_string(4, col, header, head)
        sheet.write_string(5, 0, "甲", centred)
        sheet.write_string(5, 1, "乙", centred)
        sheet.write_string(5, 2, "丙", centred)
        sheet.write_string(5, 3, "1", centred)
        sheet.write_string(5, 4, "丁", centred)
        sheet.repeat_rows(4, 5)
        line = 6
        for row in mine:
            name = row.item.name
            sheet.write_string(
                line, 0, neutralise(name), indented if name.startswith("其中") else text
            )
            sheet.write_string(line, 1, row.item.code, centred)
            sheet.write_string(line, 2, row.item.unit, centred)
            if row.value is None:
                sheet.write_blank(line, 3, None, number)
            else:
                sheet.write_number(line, 3, float(row.value), number)
            source = row.source_label + (f"：{row.measure_name}" if row.measure_name else "")
            sheet.write_string(line, 4, neutralise(source), text)
            line += 1
            written += 1
        line += 1
        sheet.merge_range(
            line, 0, line, last, "单位负责人：            统计负责人：            填表人：", note
        )
        sheet.merge_range(
            line + 1,
            0,
            line + 1,
            last,
            "联系电话：                报出日期：      年    月    日",
            note,
        )
    sheet = book.add_worksheet("审核结果")
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 100)
    sheet.write_string(0, 0, "规则", head)
    sheet.write_string(0, 1, "审核结果", head)
    if failures:
        for line, failure in enumerate(failures, start=1):
            sheet.write_string(line, 0, failure.check.code, centred)
            sheet.write_string(line, 1, neutralise(failure.message), text)
    else:
        sheet.write_string(1, 1, "已填写的项目全部通过审核。", text)
    book.close()
    return buffer.getvalue(), written
