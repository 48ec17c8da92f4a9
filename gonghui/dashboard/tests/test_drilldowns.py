"""The lists a figure drills down to (a dashboard tile, an appraisal's evidence line) narrow to
the figure's org with `?org=`: its subtree only, a sibling's records left out; an org outside
the user's scope answers 404 (core.pages.org_param_or_404). Each list is exercised on the
records its permission-matrix entry builds (own in township A's subtree, sibling in B's,
parent at the county)."""

import pytest

from gonghui.core.testing.matrix import collect_endpoints

pytestmark = pytest.mark.django_db

_ENDPOINTS = {e.name: e for e in collect_endpoints()}


def _setup(module: str, name: str):
    from importlib import import_module

    return getattr(import_module(module), name)


# (matrix entry of the list, another setup of that module whose targets the list counts by
# the same org — None: the entry's own)
LISTS = {
    "outreach.followup_list": None,
    "outreach.activity_list": None,
    "outreach.stop_list": None,
    "outreach.registration_list": None,
    "rights.case_list": None,
    "rights.contract_list": None,
    "rights.offer_list": None,
    "rights.notice_list": None,
    "orgs.list": None,
    "enterprises.list": None,
    "workforce.competitions": None,
    "workforce.mentorships": None,
    "members.join_list": None,
    # A transfer is counted by its receiving union: the transfers B1 → A1, A1 → B1, county → B2.
    "members.transfer_list": ("gonghui.members.transfers.tests.matrix", "_to_decide"),
    # A programme is listed for the org its grants went to (households at A1, B1, the county).
    "programmes.list": ("gonghui.assistance.programmes.tests.matrix", "_programmes_with_grant"),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_the_list_narrows_to_the_orgs_subtree(name, tree, users, login):
    endpoint = _ENDPOINTS[name]
    setup = _setup(*LISTS[name]) if LISTS[name] else endpoint.setup
    targets = setup(tree, users.county_admin)
    url = endpoint.url(targets.own)
    url += "&" if "?" in url else "?"
    own, sibling, parent = (
        endpoint.marker(t) for t in (targets.own, targets.sibling, targets.parent)
    )
    client = login(users.county_admin)
    # Given the county's whole scope on the list
    assert sibling in client.get(url).content.decode()
    # When it is narrowed to township A
    response = client.get(f"{url}org={tree.a.pk}")
    # Then A's subtree only
    assert response.status_code == 200
    body = response.content.decode()
    assert own in body
    assert sibling not in body and parent not in body
    # An org outside the user's scope looks missing.
    assert login(users.township_staff).get(f"{url}org={tree.b.pk}").status_code == 404


def test_an_export_from_a_narrowed_list_holds_the_same_records(tree, users, login):
    """A list's 导出 button passes its query on: the export narrows to the org too (and the
    unmasked export's reason form keeps it)."""
    from django.urls import reverse

    from gonghui.core.testing.matrix import xlsx_text

    client = login(users.county_admin)
    for list_name, export_name in (
        ("outreach.registration_list", "outreach:registration_export"),
        ("enterprises.list", "orgs:enterprise_export"),
    ):
        endpoint = _ENDPOINTS[list_name]
        targets = endpoint.setup(tree, users.county_admin)
        sheet = xlsx_text(client.get(f"{reverse(export_name)}?org={tree.a.pk}"))
        assert endpoint.marker(targets.own) in sheet
        assert endpoint.marker(targets.sibling) not in sheet
    form = client.get(f"{reverse('outreach:registration_export')}?unmask=1&org={tree.a.pk}")
    assert f'name="org" value="{tree.a.pk}"' in form.content.decode()
