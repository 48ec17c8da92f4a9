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
    "accounts:user_detail": (8, 8, None, None),
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
    "forum:my_list": (4, 4, 4, 4),
    "forum:submission_list": (4, 4, 4, 4),
    "forum:topic_list": (4, 4, 4, 4),
    "forum:edition_list": (4, 4, 4, 4),
    "forum:stats": (5, 5, 5, 5),
    "forum:submission_detail": (9, 8, None, 8),
    "forum:edition_detail": (8, None, None, 8),
    "rights:employer_list": (10, 10, 10, 10),
    "rights:contract_list": (5, 5, 5, 5),
    "rights:offer_list": (5, 5, 5, 5),
    "rights:season_list": (4, 4, 4, 4),
    "rights:wagecheck_list": (4, 4, 4, 4),
    "rights:finding_list": (6, 6, 6, 6),
    "rights:notice_list": (11, 11, 11, 11),
    "rights:case_list": (5, 5, 5, 5),
    "rights:inspection_list": (5, 5, 5, 5),
    "rights:reminder_list": (6, 6, 6, 6),
    "rights:stats": (31, 30, 30, 31),
    "rights:employer_file": (10, 10, 10, 10),
    "rights:contract_detail": (8, 8, 8, 8),
    "rights:offer_detail": (5, 5, 5, 5),
    "rights:season_detail": (6, 6, 6, 6),
    "rights:finding_detail": (6, 6, 6, 6),
    "rights:notice_detail": (5, 5, 5, 5),
    "rights:case_detail": (6, None, None, 6),
    "outreach:caravan_list": (4, 4, 4, 4),
    "outreach:stop_list": (7, 7, 7, 6),
    "outreach:registration_list": (4, 4, 4, 4),
    "outreach:followup_list": (6, 5, 5, 4),
    "outreach:activity_list": (4, 4, 4, 4),
    "outreach:contest_list": (4, 4, 4, 4),
    "outreach:team_list": (4, 4, 4, 4),
    "outreach:stats": (17, 17, 17, 17),
    "outreach:caravan_detail": (5, None, None, 5),
    "outreach:stop_detail": (9, 9, None, 9),
    "outreach:registration_detail": (5, 5, None, 5),
    # plans and dashboard: a page reading measures runs one query per table its measures count
    # (core.metrics.evaluate_many fuses the counts over one table), so a measure a plan uses on
    # a table no other of its measures reads adds here. The dashboard is opened warm: its
    # figures come from the figure cache (dashboard/figures.py).
    "plans:plan_list": (5, 5, 4, 5),
    "plans:reform_list": (6, 6, 5, 6),
    "plans:meeting_list": (5, 4, 4, 5),
    "plans:pilot_list": (5, 4, 4, 5),
    "plans:agent_list": (5, 4, 4, 5),
    "dashboard:home": (11, 11, 9, 11),
    "dashboard:return_list": (6, 6, 6, 5),
    "plans:plan_detail": (29, 10, None, 29),
    "plans:target_detail": (10, 11, None, 9),
    "plans:reform_detail": (6, 6, None, 5),
    "plans:pilot_detail": (7, None, None, 7),
    "plans:agent_detail": (10, None, None, 8),
    "dashboard:return_detail": (6, 4, 4, 6),
    "dashboard:return_grassroots": (6, None, None, 6),
    "staffing:worker_list": (5, 5, None, 5),
    "staffing:post_list": (5, 5, None, 5),
    "staffing:appraisal_list": (4, 4, None, 4),
    "staffing:pay_sheet": (7, 8, None, 7),
    "staffing:promotion_list": (8, 9, None, 8),
    "staffing:worker_detail": (9, 9, None, 9),
    "staffing:appraisal_detail": (9, 9, None, 9),
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
    "workforce:nomination_detail": (13, 13, None, 13),
    "workforce:studio_detail": (10, None, None, 10),
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
    from gonghui.assistance.archives.selectors import archive_scoped
    from gonghui.assistance.models import Visit
    from gonghui.assistance.monitoring.selectors import alert_scoped, runs_recent
    from gonghui.assistance.programmes.selectors import grants_scoped, programme_scoped
    from gonghui.core.modules import Action
    from gonghui.core.scope import can, scope_queryset
    from gonghui.dashboard.returns.selectors import returns_scoped
    from gonghui.forum.selectors import edition_list, submissions_scoped
    from gonghui.members.joining.services import application_scoped
    from gonghui.members.selectors import member_list
    from gonghui.members.transfers.services import transfer_scoped
    from gonghui.orgs.selectors import enterprise_scoped, org_scoped
    from gonghui.outreach.caravans.selectors import (
        caravan_scoped,
        registration_scoped,
        stop_scoped,
    )
    from gonghui.plans.reform.selectors import agents_scoped, items_scoped, pilots_scoped
    from gonghui.plans.targets.selectors import plans_visible, targets_scoped
    from gonghui.rights.bargaining.selectors import offer_scoped, season_scoped
    from gonghui.rights.contracts.selectors import contract_scoped
    from gonghui.rights.employers.selectors import enterprise_rights_scoped
    from gonghui.rights.legalaid.selectors import case_scoped
    from gonghui.rights.wagechecks.selectors import finding_scoped, notice_scoped
    from gonghui.sites.selectors import feedback_scoped, site_scoped
    from gonghui.staffing.appraisals.selectors import appraisal_list
    from gonghui.staffing.people.selectors import worker_list

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
        "forum:submission_detail": _first(submissions_scoped(user)),
        "forum:edition_detail": _first(edition_list(user)),
        "rights:employer_file": _first(enterprise_rights_scoped(user)),
        "rights:contract_detail": _first(contract_scoped(user)),
        "rights:offer_detail": _first(offer_scoped(user)),
        "rights:season_detail": _first(season_scoped(user)),
        "rights:finding_detail": _first(finding_scoped(user)),
        "rights:notice_detail": _first(notice_scoped(user)),
        "rights:case_detail": _first(case_scoped(user)),
        "outreach:caravan_detail": _first(caravan_scoped(user)),
        "outreach:stop_detail": _first(stop_scoped(user)),
        "outreach:registration_detail": _first(registration_scoped(user)),
        "plans:plan_detail": _first(plans_visible(user)),
        "plans:target_detail": _first(targets_scoped(user)),
        "plans:reform_detail": _first(items_scoped(user)),
        "dashboard:return_detail": _first(returns_scoped(user)),
        "plans:pilot_detail": _first(pilots_scoped(user)),
        "plans:agent_detail": _first(agents_scoped(user)),
        "dashboard:return_grassroots": _first(returns_scoped(user).filter(org__level__lt=6)),
        "staffing:worker_detail": _first(worker_list(user)),
        "staffing:appraisal_detail": _first(appraisal_list(user)),
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
    "forum:my_list",
    "forum:submission_list",
    "forum:topic_list",
    "forum:edition_list",
    "forum:stats",
    "rights:employer_list",
    "rights:contract_list",
    "rights:offer_list",
    "rights:season_list",
    "rights:wagecheck_list",
    "rights:finding_list",
    "rights:notice_list",
    "rights:case_list",
    "rights:inspection_list",
    "rights:reminder_list",
    "rights:stats",
    "outreach:caravan_list",
    "outreach:stop_list",
    "outreach:registration_list",
    "outreach:followup_list",
    "outreach:activity_list",
    "outreach:contest_list",
    "outreach:team_list",
    "outreach:stats",
    "plans:plan_list",
    "plans:reform_list",
    "plans:meeting_list",
    "plans:pilot_list",
    "plans:agent_list",
    "dashboard:home",
    "dashboard:return_list",
    "staffing:worker_list",
    "staffing:post_list",
    "staffing:appraisal_list",
    "staffing:pay_sheet",
    "staffing:promotion_list",
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
def demo_county(db):
    from gonghui.testing.seeding import seed_demo

    seed_demo(members=500)


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
