"""Permission-matrix entries of works contests: staff pages, judging (by assignment) and API."""

import datetime

from django.forms.models import model_to_dict
from django.utils import timezone

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.outreach.contests.models import (
    ContestJudge,
    ContestStatus,
    Entry,
    EntryStatus,
    JudgeAssignment,
    Score,
    WorksContest,
)
from gonghui.outreach.contests.tests.factories import build_contest, png_upload, submit
from gonghui.testing.fixtures import make_user

M = "outreach"


def _contests(status=ContestStatus.OPEN):
    def setup(tree, actor):
        def make(org, tag):
            contest = build_contest(org=org, title=f"{tag}矩阵征集", status=ContestStatus.OPEN)
            submit(contest, name="摄影", images=[png_upload()], title=f"{tag}矩阵作品")
            if status != ContestStatus.OPEN:
                WorksContest.objects.filter(pk=contest.pk).update(status=status)
                contest.refresh_from_db()
            contest.judge_candidate_for_matrix = actor.pk if actor is not None else ""
            return contest

        return Targets(
            own=make(tree.a1, "甲"), sibling=make(tree.b1, "乙"), parent=make(tree.county, "县")
        )

    return setup


def _judged(tree, actor, *, scored: bool, judge_is_actor: bool):
    """Contests being judged, each with one accepted entry assigned to a judge (the actor
    for the own contest when judge_is_actor), scored or not."""
    other = make_user(f"mx_judge_{timezone.now().timestamp()}", "social_worker", tree.a)

    def make(org, tag, judge):
        contest = build_contest(org=org, title=f"{tag}矩阵评审", status=ContestStatus.OPEN)
        entry = submit(contest, name="摄影", images=[png_upload()], title=f"{tag}评审作品")
        Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.ACCEPTED)
        WorksContest.objects.filter(pk=contest.pk).update(status=ContestStatus.JUDGING)
        ContestJudge.objects.create(contest=contest, user=judge)
        assignment = JudgeAssignment.objects.create(entry=entry, judge=judge)
        if scored:
            Score.objects.create(assignment=assignment, value=80)
        contest.refresh_from_db()
        contest.entry_pk = entry.pk
        contest.assignment_pk = assignment.pk
        contest.image_pk = entry.images.first().pk
        return contest

    own_judge = actor if (judge_is_actor and actor is not None) else other
    return Targets(
        own=make(tree.a1, "甲", own_judge),
        sibling=make(tree.b1, "乙", other),
        parent=make(tree.county, "县", other),
    )


def _to_score(tree, actor):
    return _judged(tree, actor, scored=False, judge_is_actor=True)


def _all_scored(tree, actor):
    return _judged(tree, actor, scored=True, judge_is_actor=False)


def _unassigned(tree, actor):
    return _judged(tree, actor, scored=False, judge_is_actor=False)


def _entries(tree, actor):
    contests = _contests()(tree, actor)
    return Targets(*(c.entries.first() for c in (contests.own, contests.sibling, contests.parent)))


def _images(tree, actor):
    entries = _entries(tree, actor)
    return Targets(*(e.images.first() for e in (entries.own, entries.sibling, entries.parent)))


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(contest):
    return model_to_dict(WorksContest.objects.get(pk=contest.pk))


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def _create_form(org):
    now = timezone.now()
    return {
        "org": org.pk,
        "title": "矩阵新征集",
        "theme": "劳动最美",
        "opens_at": _local(now),
        "deadline": _local(now + datetime.timedelta(days=30)),
        "entries_per_person": "1",
        "score_min": "0",
        "score_max": "100",
        "scoring_method": "mean",
        "prizes": "一等奖:1",
        "categories-TOTAL_FORMS": "1",
        "categories-INITIAL_FORMS": "0",
        "categories-0-name": "征文",
        "categories-0-takes_text": "on",
        "categories-0-max_images": "0",
        "categories-0-text_max_chars": "3000",
    }


def _edit_form(contest):
    return {
        "title": contest.title + "改",
        "theme": contest.theme,
        "opens_at": _local(contest.opens_at),
        "deadline": _local(contest.deadline),
        "entries_per_person": "1",
        "score_min": "0",
        "score_max": "100",
        "scoring_method": "mean",
        "prizes": "一等奖:1",
        "version": contest.version,
    }


def _api_create(org):
    now = timezone.now()
    return {
        "org_id": org.pk,
        "title": "矩阵接口征集",
        "theme": "劳动最美",
        "opens_at": now.isoformat(),
        "deadline": (now + datetime.timedelta(days=30)).isoformat(),
        "prizes": [{"name": "一等奖", "count": 1}],
        "categories": [{"name": "征文", "takes_text": True}],
    }


def _scores(contest):
    return list(
        Score.objects.filter(assignment__entry__contest=contest).values_list("value", flat=True)
    )


ENDPOINTS = [
    Endpoint(
        "outreach.contest_list",
        "GET",
        M,
        "view",
        lambda t: "/outreach/contests/",
        _contests(),
        marker=lambda c: c.title,
        scoped=False,
    ),
    Endpoint(
        "outreach.contest_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/outreach/contests/new/",
        _contests(),
        scoped=False,
    ),
    Endpoint(
        "outreach.contest_create",
        "POST",
        M,
        "edit",
        lambda t: "/outreach/contests/new/",
        _orgs,
        data=_create_form,
        snapshot=lambda t: WorksContest.objects.filter(title="矩阵新征集").count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.contest_detail",
        "GET",
        M,
        "view",
        lambda c: f"/outreach/contests/{c.pk}/",
        _contests(),
    ),
    Endpoint(
        "outreach.contest_edit_form",
        "GET",
        M,
        "edit",
        lambda c: f"/outreach/contests/{c.pk}/edit/",
        _contests(),
    ),
    Endpoint(
        "outreach.contest_edit",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/contests/{c.pk}/edit/",
        _contests(),
        data=_edit_form,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.contest_advance",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/contests/{c.pk}/advance/",
        _contests(ContestStatus.DRAFT),
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.judge_add",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/contests/{c.pk}/judges/",
        _contests(),
        data=lambda c: {"user": c.judge_candidate_for_matrix},
        snapshot=lambda c: ContestJudge.objects.filter(contest=c).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.entries_assign",
        "POST",
        M,
        "edit",
        lambda c: f"/outreach/contests/{c.pk}/assign/",
        _unassigned,
        data=lambda c: {"per_entry": ""},
        snapshot=lambda c: JudgeAssignment.objects.filter(entry__contest=c).count(),
        success=(302,),
    ),
    Endpoint(
        "outreach.contest_results",
        "GET",
        M,
        "view",
        lambda c: f"/outreach/contests/{c.pk}/results/",
        _all_scored,
    ),
    Endpoint(
        "outreach.contest_publish",
        "POST",
        M,
        "approve",
        lambda c: f"/outreach/contests/{c.pk}/publish/",
        _all_scored,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "outreach.entry_detail", "GET", M, "view", lambda e: f"/outreach/entries/{e.pk}/", _entries
    ),
    Endpoint(
        "outreach.entry_screen",
        "POST",
        M,
        "edit",
        lambda e: f"/outreach/entries/{e.pk}/screen/",
        _entries,
        data=lambda e: {"accept": "1"},
        snapshot=lambda e: Entry.objects.get(pk=e.pk).status,
        success=(302,),
    ),
    Endpoint(
        "outreach.entry_withdraw",
        "POST",
        M,
        "edit",
        lambda e: f"/outreach/entries/{e.pk}/withdraw/",
        _entries,
        data=lambda e: {"note": "作者要求撤回"},
        snapshot=lambda e: Entry.objects.get(pk=e.pk).status,
        success=(302,),
    ),
    Endpoint(
        "outreach.entry_image",
        "GET",
        M,
        "view",
        lambda i: f"/outreach/entries/{i.entry_id}/images/{i.pk}/",
        _images,
    ),
    Endpoint(
        "outreach.judging",
        "GET",
        M,
        "view",
        lambda t: "/outreach/judging/",
        _to_score,
        scoped=False,
    ),
    Endpoint(
        "outreach.judging_score_form",
        "GET",
        M,
        "view",
        lambda c: f"/outreach/judging/{c.assignment_pk}/",
        _to_score,
    ),
    Endpoint(
        "outreach.judging_score",
        "POST",
        M,
        "view",
        lambda c: f"/outreach/judging/{c.assignment_pk}/",
        _to_score,
        data=lambda c: {"value": "86.5", "comment": "矩阵评语"},
        snapshot=_scores,
        success=(302,),
    ),
    Endpoint(
        "outreach.judging_image",
        "GET",
        M,
        "view",
        lambda c: f"/outreach/judging/{c.assignment_pk}/images/{c.image_pk}/",
        _to_score,
    ),
    Endpoint(
        "outreach.api.contest_list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/contests",
        _contests(),
        api=True,
        marker=lambda c: c.title,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "outreach.api.contest_detail",
        "GET",
        M,
        "view",
        lambda c: f"/api/v1/outreach/contests/{c.pk}",
        _contests(),
        api=True,
    ),
    Endpoint(
        "outreach.api.contest_entries",
        "GET",
        M,
        "view",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/entries",
        _contests(),
        api=True,
    ),
    Endpoint(
        "outreach.api.contest_results",
        "GET",
        M,
        "view",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/results",
        _all_scored,
        api=True,
    ),
    Endpoint(
        "outreach.api.contest_create",
        "POST",
        M,
        "edit",
        lambda t: "/api/v1/outreach/contests",
        _orgs,
        data=_api_create,
        snapshot=lambda t: WorksContest.objects.filter(title="矩阵接口征集").count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.contest_advance",
        "POST",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/advance",
        _contests(ContestStatus.DRAFT),
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.judge_add",
        "POST",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/judges",
        _contests(),
        data=lambda c: {"user_id": c.judge_candidate_for_matrix or 0},
        snapshot=lambda c: ContestJudge.objects.filter(contest=c).count(),
        api=True,
        success=(201,),
    ),
    Endpoint(
        "outreach.api.entries_assign",
        "POST",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/assign",
        _unassigned,
        data=lambda c: {"per_entry": None},
        snapshot=lambda c: JudgeAssignment.objects.filter(entry__contest=c).count(),
        api=True,
    ),
    Endpoint(
        "outreach.api.entry_screen",
        "POST",
        M,
        "edit",
        lambda e: f"/api/v1/outreach/entries/{e.pk}/screen",
        _entries,
        data=lambda e: {"accept": True},
        snapshot=lambda e: Entry.objects.get(pk=e.pk).status,
        api=True,
    ),
    Endpoint(
        "outreach.api.contest_publish",
        "POST",
        M,
        "approve",
        lambda c: f"/api/v1/outreach/contests/{c.pk}/publish",
        _all_scored,
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.judging",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/outreach/judging",
        _to_score,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "outreach.api.judging_score",
        "POST",
        M,
        "view",
        lambda c: f"/api/v1/outreach/judging/{c.entry_pk}/score",
        _to_score,
        data=lambda c: {"value": "90"},
        snapshot=_scores,
        api=True,
    ),
    Endpoint(
        "outreach.api.contest_update",
        "PATCH",
        M,
        "edit",
        lambda c: f"/api/v1/outreach/contests/{c.pk}",
        _contests(),
        data=lambda c: {"title": c.title + "改"},
        snapshot=_state,
        api=True,
    ),
    Endpoint(
        "outreach.api.entry_withdraw",
        "POST",
        M,
        "edit",
        lambda e: f"/api/v1/outreach/entries/{e.pk}/withdraw",
        _entries,
        data=lambda e: {"note": "作者要求撤回"},
        snapshot=lambda e: Entry.objects.get(pk=e.pk).status,
        api=True,
    ),
]
