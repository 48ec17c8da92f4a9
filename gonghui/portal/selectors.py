"""Public reads of the portal's site finder fallback (no login, no scope: every listed
site is public): the townships that have open sites, a township's centre, and a search of
sites by name or address."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, township_q
from gonghui.sites.models import ServiceSite, SiteStatus

SEARCH_LIMIT = 20
QUERY_MAX_LENGTH = 50


@dataclass(frozen=True)
class TownshipChoice:
    id: int
    name: str
    site_count: int


def townships_with_sites() -> list[TownshipChoice]:
    """乡镇(街道) with at least one open site, in org-code order (the county's own order)."""
    rows = (
        ServiceSite.objects.filter(township_q("township__"), status=SiteStatus.OPEN)
        .values("township_id")
        .annotate(n=Count("id"))
    )
    counts = {row["township_id"]: row["n"] for row in rows}
    names = Org.objects.filter(pk__in=counts).order_by("code").values_list("pk", "name")
    return [TownshipChoice(id=pk, name=name, site_count=counts[pk]) for pk, name in names]


@dataclass(frozen=True)
class Place:
    name: str
    lng: float  # GCJ-02
    lat: float


def township_centre(township_id) -> Place | None:
    """The centre (mean GCJ-02 point) of a township's open sites; None when it has none."""
    try:
        township_id = int(township_id)
    except (TypeError, ValueError):
        return None
    org = Org.objects.filter(township_q(), pk=township_id).only("name").first()
    if org is None:
        return None
    centre = ServiceSite.objects.filter(status=SiteStatus.OPEN, township_id=township_id).aggregate(
        lng=Avg("lng"), lat=Avg("lat")
    )
    if centre["lng"] is None:
        return None
    return Place(name=org.name, lng=centre["lng"], lat=centre["lat"])


@dataclass(frozen=True)
class SearchResult:
    sites: list[ServiceSite]  # sites whose name or address holds the words
    place: Place | None  # else a township whose name holds them, to search around


def site_search(q: str) -> SearchResult:
    """Typed address or place name: open sites by name/address (all words must match),
    or else the township of that name (its centre)."""
    words = normalise_text(q)[:QUERY_MAX_LENGTH].split()
    if not words:
        return SearchResult(sites=[], place=None)
    sites = ServiceSite.objects.filter(status=SiteStatus.OPEN)
    for word in words:
        sites = sites.filter(Q(name__contains=word) | Q(address__contains=word))
    found = list(sites.order_by("name", "id")[:SEARCH_LIMIT])
    if found:
        return SearchResult(sites=found, place=None)
    townships = Org.objects.filter(pk__in=[t.id for t in townships_with_sites()])
    for word in words:
        townships = townships.filter(name__contains=word)
    for township in townships.order_by("name")[:1]:
        return SearchResult(sites=[], place=township_centre(township.pk))
    return SearchResult(sites=[], place=None)
