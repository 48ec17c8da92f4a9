"""Small helpers shared by the server-rendered views."""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from gonghui.core.errors import ServiceError
from gonghui.core.paging import page_links, page_size

PER_PAGE = 20


def paginate(request, queryset, per_page: int = PER_PAGE) -> dict:
    """Page context for partials/pagination.html: page_obj, query strings, page sizes;
    `per_page` is the list's default size (the user may choose another, PAGE_SIZES)."""
    default, per_page = per_page, page_size(request, per_page)
    paginator = Paginator(queryset, per_page)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    return {"page_obj": page, **page_links(request, per_page, default)}


def form_apply_error(request, form, exc: ServiceError) -> None:
    """Show a service error at the fields it names; the rest as a form-level error."""
    form.add_service_errors(exc)
    messages.error(request, exc.message)


def flash_errors(request, form=None, exc: ServiceError | None = None) -> None:
    """A small form posted from a detail page that redirects back: every error of the form
    (its own and the service's, found in one round through `check=`) or of a refused write,
    each once, as messages."""
    source = (exc.fields or {"": [exc.message]}) if exc is not None else form.errors
    shown = set()
    for errors in source.values():
        for error in errors:
            if error not in shown:
                shown.add(error)
                messages.error(request, error)
    request.flashed_errors = True


def section_redirect(request, url: str, section: str):
    """Back to a detail page after a small form posted from one of its sections: at that
    section when the write went through, at the top of the page (where the messages show)
    when flash_errors reported a problem — else, on a phone, the errors are scrolled away."""
    from django.shortcuts import redirect

    if getattr(request, "flashed_errors", False):
        return redirect(url)
    return redirect(f"{url}#{section}")


def org_choices(orgs) -> list[tuple[str, str]]:
    """Select options for orgs, indented by depth so the tree shape shows."""
    orgs = list(orgs)
    base = min((o.depth for o in orgs), default=0)
    return [(str(o.pk), "\u3000" * (o.depth - base) + o.name) for o in orgs]


def posted_org_or_404(request, field: str, module: str, action: str):
    """The org a form posts in `field`, or 404 when it exists but lies outside the scope.

    Forms limit their choices to the scope; this keeps a crafted POST naming an org
    outside it answering 404 like every other out-of-scope access.
    """
    from django.http import Http404

    from gonghui.core.scope import org_in_scope, org_model

    Org = org_model()

    raw = request.POST.get(field, "").strip()
    if not raw:
        return None
    try:
        org = Org.objects.get(pk=int(raw))
    except (ValueError, Org.DoesNotExist) as exc:
        raise Http404 from exc
    if not org_in_scope(request.user, module, action, org):
        raise Http404
    return org


def org_param_or_404(request, module: str, action: str = "view", field: str = "org", source=None):
    """The org a list is narrowed to by its `org` query parameter (the org's subtree, see
    core.scope.in_subtree): None when absent or not a number, 404 when the org does not
    exist or lies outside the user's scope for the module — the rule of the members and
    assistance lists, shared by every list a figure drills down to. `source`: where to read
    it (request.GET by default; an export's reason form posts it)."""
    from gonghui.core.scope import get_in_scope_or_404, org_model

    raw = (source if source is not None else request.GET).get(field, "").strip()
    if not raw.isdigit() or len(raw) > 18:
        return None
    return get_in_scope_or_404(org_model().objects.all(), request.user, module, action, pk=int(raw))


@dataclass(frozen=True)
class DateRange:
    """A list's date range from `date_from`/`date_to` (YYYY-MM-DD, inclusive, either open)
    and, on a list with more than one date, `dated` (which of them). `raw` keeps what was
    typed for the form; `error` is the Chinese message for a bad date (that bound ignored)."""

    start: dt.date | None
    end: dt.date | None
    dated: str
    raw: dict
    error: str


def date_range_param(request, dated: dict[str, str] | None = None, source=None) -> DateRange:
    """Read a list's date range (see DateRange). `dated`: key → label of the dates the list
    can filter by, the first the default. A date that is not a date, or a start after the
    end, gives an error message instead of a 500 and filters nothing on that bound."""
    source = source if source is not None else request.GET
    raw = {key: (source.get(key) or "").strip()[:10] for key in ("date_from", "date_to")}
    chosen = (source.get("dated") or "").strip()
    if dated:
        if chosen not in dated:
            chosen = next(iter(dated))
        raw = {"dated": chosen, **raw}
    bounds, errors = {}, []
    for key, label in (("date_from", "开始日期"), ("date_to", "结束日期")):
        try:
            bounds[key] = dt.date.fromisoformat(raw[key]) if raw[key] else None
        except ValueError:
            bounds[key] = None
            errors.append(f"{label}应为有效日期，格式 YYYY-MM-DD。")
    start, end = bounds["date_from"], bounds["date_to"]
    if start and end and start > end:
        errors.append("结束日期早于开始日期。")
        start = end = None
    return DateRange(start, end, chosen, raw, "".join(errors))


def masked_form_data(request, instance, masks: dict) -> tuple[dict, object]:
    """Edit forms never show personal data in full (DESIGN §3).

    `masks` maps a field to its masking function. Returns (initial, data): the initial
    values masked, and the POST data in which a value posted back unchanged as its
    mask is replaced by the stored value, i.e. "not changed".
    """
    initial = {field: mask(getattr(instance, field)) for field, mask in masks.items()}
    if request.method != "POST":
        return initial, None
    data = request.POST.copy()
    for field, masked in initial.items():
        if masked and data.get(field, "").strip() == masked:
            data[field] = getattr(instance, field)
    return initial, data
