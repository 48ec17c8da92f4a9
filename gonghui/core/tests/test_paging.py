"""The list paginator: no COUNT on a page load; totals when free or asked for."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from gonghui.audit.models import AuditEvent
from gonghui.audit.services import audit_record
from gonghui.core.paging import paginate_peek

pytestmark = pytest.mark.django_db


def _events(n):
    for i in range(n):
        audit_record(action="updated", username=f"u{i}")
    return AuditEvent.objects.order_by("-id")


def _page(query, qs, per_page=2, cap=3):
    return paginate_peek(RequestFactory().get("/x/", query), qs, per_page=per_page, cap=cap)


def test_a_middle_page_runs_no_count_and_knows_there_is_more():
    events = _events(5)
    with CaptureQueriesContext(connection) as ctx:
        page = _page({"page": "2"}, events)["page_obj"]
    assert len(ctx.captured_queries) == 1
    assert "COUNT" not in ctx.captured_queries[0]["sql"].upper()
    assert [e.username for e in page] == ["u2", "u1"]
    assert (page.has_previous, page.has_next, page.total) == (True, True, None)


def test_the_last_page_knows_the_total_for_free():
    page = _page({"page": "3"}, _events(5))["page_obj"]
    assert ([e.username for e in page], page.has_next, page.total) == (["u0"], False, 5)


def test_count_on_request_stops_at_the_cap():
    context = _page({"page": "1", "count": "1", "q": "x"}, _events(5))
    page = context["page_obj"]
    assert (page.total, page.capped) == (4, True)
    assert context["querystring_without_page"] == "q=x&"


def test_bad_page_numbers_fall_back_to_the_first_page():
    assert _page({"page": "abc"}, _events(1))["page_obj"].number == 1
    assert _page({"page": "-3"}, _events(1))["page_obj"].number == 1


# --- the page size every list offers (issue 14 #9) ------------------------------------------------


def test_the_user_chooses_the_page_size_and_size_links_start_again_at_page_one():
    events = _events(60)
    request = RequestFactory().get("/x/", {"q": "甲", "per_page": "50", "page": "1"})
    context = paginate_peek(request, events, per_page=20)
    assert len(context["page_obj"]) == 50 and context["per_page"] == 50
    assert context["page_sizes"] == [20, 50, 100]
    assert context["querystring_without_page"] == "q=%E7%94%B2&per_page=50&"
    assert context["querystring_without_size"] == "q=%E7%94%B2&"


def test_an_unknown_page_size_falls_back_to_the_lists_own():
    events = _events(30)
    for size in ("7", "abc", "100000"):
        context = paginate_peek(
            RequestFactory().get("/x/", {"per_page": size}), events, per_page=25
        )
        assert len(context["page_obj"]) == 25, size
        assert context["page_sizes"] == [20, 25, 50, 100]


def test_the_classic_paginator_offers_the_same_sizes():
    from gonghui.core.pages import paginate

    context = paginate(RequestFactory().get("/x/", {"per_page": "100"}), _events(120))
    assert context["page_obj"].paginator.per_page == 100 and context["per_page"] == 100


def test_list_pages_show_the_page_size_choice_when_there_is_more_than_a_page(
    login, users, tree, enterprise_factory
):
    for _ in range(21):
        enterprise_factory(org=tree.a1)
    _events(60)
    client = login(users.county_admin)
    for url in ("/orgs/enterprises/", "/audit/"):
        page = client.get(url).content.decode()
        assert 'class="page-size"' in page, url
        assert "per_page=100" in page, url
    assert 'class="page-size"' not in client.get("/orgs/list/").content.decode()  # 6 orgs
