"""Employers named in a township's spreadsheet: what the rights import kinds (contracts/,
wagechecks/) share; this sub-domain registers no kind of its own.

The member import's matcher (orgs.selectors.EnterpriseMatcher: credit code, exact name, then
the name's key) over the employers covered inside the import's target subtree; this module
only words its answer for a row and loads the matched employers once per batch.
"""

import re

from gonghui.core.imports.spec import ImportContext, Row
from gonghui.orgs.models import Enterprise
from gonghui.orgs.selectors import EnterpriseMatcher

# Separators of several employers in one cell (行业性、区域性 contracts).
SEPARATORS = re.compile(r"[;；\n]+")


def employer_texts(row: Row, *, several: bool = False) -> list[str]:
    """What the row names the employer by: the credit code when given, else the name (or,
    when `several`, each name of a list separated by semicolons or line breaks)."""
    code = row.values.get("credit_code")
    if code:
        return [code]
    text = row.values.get("employer", "")
    if not several:
        return [text] if text else []
    return [part.strip() for part in SEPARATORS.split(text) if part.strip()]


def _matcher(ctx: ImportContext) -> EnterpriseMatcher:
    matcher = ctx.state.get("employer_matcher")
    if matcher is None:
        matcher = ctx.state["employer_matcher"] = EnterpriseMatcher(
            Enterprise.objects.filter(org__path__startswith=ctx.org.path)
        )
    return matcher


def employers_resolve(ctx: ImportContext, rows: list[Row], texts: dict[int, list[str]]):
    """Per row (by its number): the matched employers (Enterprise, with org and union), or
    a Chinese error on the row for each text that names none or several. One query for the
    codes and names of the batch (the matcher's), one for the employers found."""
    matcher = _matcher(ctx)
    found = matcher.match({text for row in rows for text in texts.get(row.number, ())})
    wanted = {pks[0] for pks in found.values() if len(pks) == 1}
    loaded = {
        e.pk: e for e in Enterprise.objects.filter(pk__in=wanted).select_related("org", "union")
    }
    result: dict[int, list[Enterprise]] = {}
    for row in rows:
        employers = []
        for text in texts.get(row.number, ()):
            pks = found.get(text, [])
            if len(pks) > 1:
                row.error(f"用人单位“{text}”对应多个已登记单位，请改填统一社会信用代码。")
            elif not pks or pks[0] not in loaded:
                row.error(
                    f"未找到用人单位“{text}”：须是导入范围内已登记的单位，"
                    "请先在“用人单位”中登记，或核对名称、统一社会信用代码。"
                )
            else:
                employers.append(loaded[pks[0]])
        result[row.number] = employers
    return result
