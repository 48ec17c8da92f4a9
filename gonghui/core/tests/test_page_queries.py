"""SQL queries of every main list and detail page, counted exactly (Saleor-style).

One demo county (the demo seeders, with 500 members instead of 20,000, enough for the workforce demo) is opened by the
demo's county admin, township and grassroots staff and leader. Each page is opened warm, as after the user's
first page of the minute (the menu's to-do counts are cached in the session), and must run
exactly the number of queries in EXPECTED. A page that grows a query per row (N+1), or
any other query, fails here; one that gets cheaper lowers its figure.

Every list shows several rows here, so a query per row would add several queries. A request
pays 3 queries before the view runs: the session, the user with their org, and their role
assignments (gonghui.core.scope.role_assignments).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

pytestmark = pytest.mark.django_db

USERS = ("county_admin", "township_staff", "grassroots_staff", "leader")

# page: queries for (county_admin, township_staff, grassroots_staff, leader); None: not theirs
# (the page answers 404, or the role has no such record in scope).
EXPECTED: dict[str, tuple[int | None, ...]] = {
    "core:home": (3, 3, 3, 3),
    "orgs:tree": (6, 6, 6, 6),
    "orgs:list": (5, 5, 5, 5),
    "orgs:enterprise_list": (5, 5, 5, 5),
    "accounts:user_list": (6, 6, None, None),
    "audit:event_list": (4, None, None, 4),
    "members:list": (5, 5, 5, 5),
    "members:join_list": (5, 5, 4, 5),
    "members:transfer_list": (5, 5, 4, 5),
    "members:stats": (8, 8, 8, 8),
    "sites:list": (5, 5, 5, 5),
    "sites:feedback_list": (4, 4, 4, 4),
    "sites:map": (9, 8, 8, 7),
    "sites:coverage": (13, 13, 13, 13),
    "sites:stats": (15, 15, 15, 15),
    "assistance:list": (5, 5, 5, 5),
    "assistance:alert_list": (8, 7, 7, 7),
    "assistance:alert_overdue": (4, 4, 4, 4),
    "assistance:programme_list": (5, 5, 4, 5),
    "assistance:visit_list": (6, 6, 6, 6),
    "assistance:stats": (16, 16, 16, 16),
    "assistance:spot_checks": (5, 5, 4, 4),
    "assistance:rules": (13, 11, 11, 11),
    "imports:list": (4, 4, 4, None),
    "orgs:detail": (9, 9, 9, 9),
    "orgs:enterprise_detail": (4, 4, 4, 4),
    "accounts:user_detail": (7, 7, None, None),
    "members:detail": (6, 6, 6, 6),
    "members:card": (4, 4, 4, 4),
    "members:join_detail": (4, 4, None, 4),
    "members:transfer_detail": (5, 5, None, 5),
    "sites:detail": (7, 7, None, 7),
    "sites:feedback_detail": (4, None, None, 4),
    "assistance:detail": (12, 17, 15, 12),
    "assistance:alert_detail": (5, 7, 4, 5),
    "assistance:programme_detail": (10, 10, None, 10),
    "assistance:grant_detail": (4, 4, 4, 4),
    "assistance:visit_detail": (6, 6, 6, 6),
    "assistance:run_detail": (5, 5, 5, 5),
    "workforce:competition_list": (6, 6, 6, 6),
    "workforce:nomination_list": (4, 4, 4, 4),
    "workforce:team_list": (4, 4, 4, 4),
    "workforce:excellent_list": (4, 4, 4, 4),
    "workforce:training_list": (4, 4, 4, 4),
    "workforce:studio_list": (4, 4, 4, 4),
    "workforce:mentorship_list": (5, 5, 5, 5),
    "workforce:ceremony_list": (4, 4, 4, 4),
    "workforce:innovation_list": (4, 4, 4, 4),
    "workforce:suggestion_list": (4, 4, 4, 4),
    "workforce:honour_list": (6, 6, 6, 6),
    "workforce:stats": (24, 24, 24, 24),
    "workforce:competition_detail": (13, 13, None, 10),
    "workforce:score_sheet": (9, 9, None, None),
    "workforce:nomination_detail": (8, 8, None, 8),
    "workforce:studio_detail": (11, None, None, 11),
    "workforce:mentorship_detail": (8, 8, 8, 8),
    "workforce:ceremony_detail": (5, 5, None, 5),
    "workforce:innovation_detail": (6, 6, 6, 6),
    "workforce:suggestion_detail": (4, 4, None, 4),
    "workforce:member_ledger": (13, 13, 13, 13),
}


def _first(queryset):
    obj = queryset.order_by("pk").first()
    return obj.pk if obj is not None else None


def _targets(user) -> dict[str, int | None]:
    """The first record in the user's scope for each detail page."""
    from gonghui.accounts.selectors import user_list
    from gonghui.assistance.models import Visit
    from gonghui.assistance.monitoring.selectors import alert_scoped, runs_recent
    from gonghui.assistance.selectors import archive_scoped
    from gonghui.assistance.selectors_programmes import grants_scoped, programme_scoped
    from gonghui.core.modules import Action
    from gonghui.core.scope import can, scope_queryset
    from gonghui.members.joining import application_scoped
    from gonghui.members.selectors import member_list
    from gonghui.members.transfers import transfer_scoped
    from gonghui.orgs.selectors import enterprise_scoped, org_scoped
    from gonghui.sites.selectors import feedback_scoped, site_scoped

    runs = runs_recent(user, limit=1)
    return {
        "orgs:detail": _first(org_scoped(user)),
        "orgs:enterprise_detail": _first(enterprise_scoped(user)),
        "accounts:user_detail": (
            _first(user_list(user)) if can(user, "accounts", Action.VIEW) else None
        ),
        "members:detail": _first(member_list(user)),
        "members:card": _first(member_list(user)),
        "members:join_detail": _first(application_scoped(user, Action.VIEW)),
        "members:transfer_detail": _first(transfer_scoped(user)),
        "sites:detail": _first(site_scoped(user)),
        "sites:feedback_detail": _first(feedback_scoped(user)),
        "assistance:detail": _first(archive_scoped(user)),
        "assistance:alert_detail": _first(alert_scoped(user)),
        "assistance:programme_detail": _first(programme_scoped(user)),
        "assistance:grant_detail": _first(grants_scoped(user)),
        "assistance:visit_detail": _first(
            scope_queryset(Visit.objects.all(), user, "assistance", Action.VIEW)
        ),
        "assistance:run_detail": runs[0].pk if runs else None,
        **_workforce_targets(user),
    }


WORKFORCE_LISTS = (
    "competition_list",
    "nomination_list",
    "team_list",
    "excellent_list",
    "training_list",
    "studio_list",
    "mentorship_list",
    "ceremony_list",
    "innovation_list",
    "suggestion_list",
    "honour_list",
    "stats",
)


def _workforce_targets(user) -> dict[str, int | None]:
    from gonghui.workforce.competitions.selectors import competition_scoped
    from gonghui.workforce.honours.selectors import honour_scoped
    from gonghui.workforce.innovations.selectors import innovation_scoped, suggestion_scoped
    from gonghui.workforce.mentorships.selectors import ceremony_scoped, mentorship_scoped
    from gonghui.workforce.pioneers.selectors import nomination_scoped
    from gonghui.workforce.studios.selectors import studio_scoped

    ledger = honour_scoped(user).filter(member__isnull=False).order_by("pk").first()
    pair = mentorship_scoped(user).order_by("pk").first()
    member = ledger.member_id if ledger is not None else pair.master_id if pair else None
    return {
        "workforce:competition_detail": _first(competition_scoped(user)),
        "workforce:score_sheet": _first(competition_scoped(user)),
        "workforce:nomination_detail": _first(nomination_scoped(user)),
        "workforce:studio_detail": _first(studio_scoped(user)),
        "workforce:mentorship_detail": _first(mentorship_scoped(user)),
        "workforce:ceremony_detail": _first(ceremony_scoped(user)),
        "workforce:innovation_detail": _first(innovation_scoped(user)),
        "workforce:suggestion_detail": _first(suggestion_scoped(user)),
        "workforce:member_ledger": member,
    }


LISTS = [
    "core:home",
    "orgs:tree",
    "orgs:list",
    "orgs:enterprise_list",
    "accounts:user_list",
    "audit:event_list",
    "members:list",
    "members:join_list",
    "members:transfer_list",
    "members:stats",
    "sites:list",
    "sites:feedback_list",
    "sites:map",
    "sites:coverage",
    "sites:stats",
    "assistance:list",
    "assistance:alert_list",
    "assistance:alert_overdue",
    "assistance:programme_list",
    "assistance:visit_list",
    "assistance:stats",
    "assistance:spot_checks",
    "assistance:rules",
    "imports:list",
    *(f"workforce:{name}" for name in WORKFORCE_LISTS),
]


def _queries(client, url: str) -> int | None:
    client.get(url)  # warm: the first page of the minute also counts the to-dos
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (url, response.status_code)
    return len(ctx.captured_queries)


@pytest.fixture
def demo_county(db, monkeypatch):
    from gonghui.core.demo import run_seeders
    from gonghui.members import demo

    monkeypatch.setattr(demo, "TARGET", 500)
    run_seeders(seed=2026)


def test_every_main_page_runs_its_exact_number_of_queries(demo_county, client):
    from gonghui.accounts.models import User

    measured: dict[str, list] = {}
    for column, username in enumerate(USERS):
        user = User.objects.get(username=username)
        client.force_login(user)
        pages = {name: reverse(name) for name in LISTS}
        for name, pk in _targets(user).items():
            pages[name] = reverse(name, args=[pk]) if pk is not None else None
        for name, url in pages.items():
            measured.setdefault(name, [None] * len(USERS))
            measured[name][column] = _queries(client, url) if url else None
        client.logout()
    actual = {name: tuple(counts) for name, counts in measured.items()}
    wrong = {
        name: (EXPECTED.get(name), counts)
        for name, counts in actual.items()
        if EXPECTED.get(name) != counts
    }
    table = "\n".join(f"    {name!r}: {counts}," for name, counts in actual.items())
    assert not wrong, f"expected → measured: {wrong}\nmeasured:\n{table}"
