"""What every statistical report shares: the order of its per-org rows, and its numbers.

Rows with figures come first in org-code order (the order of the org tree); rows whose
figures are all zero follow, so that a report never opens with empty lines and empty bars
(the charts leave them out, the table marks them `empty`). Numbers are shown with the
`num` template filter (core/templatetags/numbers.py): 1,234.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

Row = TypeVar("Row")


def report_order(rows: Iterable[Row], *, is_empty: Callable[[Row], bool]) -> list[Row]:
    """Rows with figures first, then the empty ones; each group in org-code order (a row's
    `code`; the scope root's own row, `own_only`, leads its group)."""

    def key(row):
        return (is_empty(row), not getattr(row, "own_only", False), getattr(row, "code", ""))

    return sorted(rows, key=key)


def report_rows(headers: list[str], cells: list[list], rows: list) -> list[dict]:
    """A report table for the page: each row's (header, cell) pairs, and whether the row is
    empty (`is_empty`) or the total (the last one)."""
    return [
        {
            "cells": list(zip(headers, row_cells, strict=True)),
            "empty": bool(getattr(row, "is_empty", False)),
            "total": index == len(rows) - 1,
        }
        for index, (row_cells, row) in enumerate(zip(cells, rows, strict=True))
    ]
