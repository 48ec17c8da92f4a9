"""Permission-matrix entries of follow-ups (pages and API)."""

from django.forms.models import model_to_dict
from django.utils import timezone

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.outreach.caravans.tests.factories import build_stop, register
from gonghui.outreach.followups.models import FollowUp, FollowUpSettings

M = "outreach"


def _followups(tree, actor):
    def first(org, tag):
        made = register(build_stop(org=org), name=f"{tag}矩阵回访")
        followup = made.followups.order_by("number").first()
        followup.assignee_for_matrix = actor.pk if actor is not None else ""
        return followup

    return Targets(
        own=first(tree.a1, "甲"), sibling=first(tree.b1, "乙"), parent=first(tree.county, "县")
    )


def _state(followup):
    return model_to_dict(FollowUp.objects.get(pk=followup.pk))


def _result(f):
    return {"done_on": timezone.localdate().isoformat(), "result": "still_looking", "note": "矩阵"}


ENDPOINTS = [
    Endpoint(
        "outreach.followup_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/followups/?due=all",
        _followups,
        marker=lambda f: f.registration.name,
        scoped=False,
    ),
    Endpoint(
        "outreach.followup_record_form",
        "GET",
        M,
        "edit",
        lambda f: f"/outreach/followups/{f.pk}/",
        _followups,
    ),
    Endpoint(
        "outreach.followup_record",
        "POST",
        M,
        "edit",
        lambda f: f"/outreach/followups/{f.pk}/",
        _followups,
        data=_result,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.followup_assign",
        "POST",
        M,
        "edit",
        lambda f: "/outreach/followups/assign/",
        _followups,
        data=lambda f: {"followups": [f.pk], "assignee": f.assignee_for_matrix},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.followup_settings",
        "GET",
        M,
        "view",
        lambda t: "/outreach/followups/settings/",
        _followups,
        scoped=False,
    ),
    Endpoint(
        "outreach.followup_settings_save",
        "POST",
        M,
        "approve",
        lambda t: "/outreach/followups/settings/",
        _followups,
        data=lambda t: {"offsets": "5,20", "working_days_only": "on"},
        snapshot=lambda t: FollowUpSettings.objects.count(),
        scoped=False,
    ),
    Endpoint(
        "outreach.api.followup_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/followups?due=all",
        _followups,
        api=True,
        marker=lambda f: f.registration.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.followup_result",
        "POST",
        M,
        "edit",
        lambda f: f"/api/v1/outreach/followups/{f.pk}/result",
        _followups,
        data=_result,
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.followup_assign",
        "POST",
        M,
        "edit",
        lambda f: "/api/v1/outreach/followups/assign",
        _followups,
        data=lambda f: {"followup_ids": [f.pk], "assignee_id": f.assignee_for_matrix or None},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.followup_settings",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/followups/settings",
        _followups,
        api=True,
        scoped=False,
    ),
    # Every role of the matrix sits at township A, where none sets the county's schedule: the
    # change answers 404 for those who approve (403 without the grant) and writes nothing;
    # gonghui/outreach/tests/test_api.py covers the county.
    Endpoint(
        "outreach.api.followup_settings_set",
        "PUT",
        M,
        "approve",
        lambda t: "/api/v1/outreach/followups/settings",
        _followups,
        data=lambda t: {"offsets": [5, 20], "working_days_only": True},
        snapshot=lambda t: FollowUpSettings.objects.count(),
        api=True,
        success=(404,),
        scoped=False,
    ),
]
