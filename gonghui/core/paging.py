"""A paginator for big lists: the count stops at a cap instead of scanning every match.

`COUNT(*)` over a million-row, unfiltered list costs more than the page itself. Counting a
subquery with `LIMIT cap + 1` touches at most cap + 1 index entries; above the cap the page
shows "超过 10000 条" and offers 上一页/下一页 without a last page.
"""

from functools import cached_property

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

COUNT_CAP = 10_000


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


def paginate_capped(request, queryset, per_page: int = 20, cap: int = COUNT_CAP) -> dict:
    """Like views_helpers.paginate, with a capped count (see partials/pagination_capped.html)."""
    paginator = CappedPaginator(queryset, per_page, cap=cap)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page, "querystring_without_page": f"{encoded}&" if encoded else ""}
