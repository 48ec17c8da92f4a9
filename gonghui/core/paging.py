"""Pagination for big lists: no COUNT(*) on a page load.

`paginate_peek` fetches one row more than a page to know whether a next page exists.
The total is shown when it is known for free (the last page was reached) or when the
user asks for it (`?count=1`); that count stops at a cap (`CappedPaginator`), so even
then it touches at most cap + 1 index entries.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 10_000
MAX_PAGE = 10_000  # deeper offsets are never useful in a list; filters are
# The page sizes every list offers (`?per_page=`), beside the list's own default.
PAGE_SIZES = (20, 50, 100)


def page_size(request, default: int) -> int:
    """The rows per page the user chose (`?per_page=`, one of PAGE_SIZES or the default)."""
    try:
        chosen = int(request.GET.get("per_page", ""))
    except ValueError:
        return default
    return chosen if chosen in PAGE_SIZES or chosen == default else default


def page_links(request, per_page: int, default: int) -> dict:
    """What the pagination partials need besides the page: the query string for page
    links (keeps the filters and the size) and for size links (starts again at page 1)."""
    params = request.GET.copy()
    for key in ("page", "count"):
        params.pop(key, None)
    encoded = params.urlencode()
    params.pop("per_page", None)
    without_size = params.urlencode()
    return {
        "querystring_without_page": f"{encoded}&" if encoded else "",
        "querystring_without_size": f"{without_size}&" if without_size else "",
        "per_page": per_page,
        "page_sizes": sorted({*PAGE_SIZES, default}),
    }


class CappedPaginator(Paginator):
    def __init__(self, *args, cap: int = COUNT_CAP, **kwargs):
        super().__init__(*args, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when there are more matches than the cap (the count shown is a lower bound)."""
        return self.count > self.cap


@dataclass
class PeekPage:
    object_list: list
    number: int
    has_next: bool
    total: int | None  # None: not counted (more pages follow and nobody asked)
    capped: bool
    cap: int

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(raw) -> int:
    try:
        return min(max(int(raw), 1), MAX_PAGE)
    except (TypeError, ValueError):
        return 1


def paginate_peek(request, queryset, per_page: int = 20, cap: int = COUNT_CAP) -> dict:
    """Page context (page_obj, query strings, page sizes) for partials/pagination_peek.html;
    `per_page` is the list's default size (the user may choose another, PAGE_SIZES)."""
    default, per_page = per_page, page_size(request, per_page)
    number = _page_number(request.GET.get("page"))
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    total, capped = None, False
    if not has_next and (rows or number == 1):
        total = start + len(rows)
    elif request.GET.get("count") == "1":
        counter = CappedPaginator(queryset, per_page, cap=cap)
        total, capped = counter.count, counter.capped
    return {
        "page_obj": PeekPage(rows, number, has_next, total, capped, cap),
        **page_links(request, per_page, default),
    }
