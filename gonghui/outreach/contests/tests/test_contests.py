"""Works contests: entries (deadline, file type and size, one per person per category),
judging only by assigned judges within the range, results with ties, the gallery."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import ValidationFailed
from gonghui.outreach.contests import services
from gonghui.outreach.contests.models import (
    ContestStatus,
    Entry,
    EntryImage,
    Score,
    WorksContest,
)
from gonghui.outreach.contests.selectors import judge_assignments
from gonghui.outreach.contests.tests.factories import (
    build_contest,
    category,
    png_upload,
    submit,
)
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db


def _entries_state():
    return Entry.objects.count(), EntryImage.objects.count(), AuditEvent.objects.count()


def test_an_entry_after_the_deadline_is_refused(tree):
    contest = build_contest(
        org=tree.a,
        deadline=timezone.now() - datetime.timedelta(minutes=1),
        opens_at=timezone.now() - datetime.timedelta(days=3),
    )
    before = _entries_state()
    with pytest.raises(ValidationFailed) as refused:
        submit(contest)
    assert "截止，不能再投稿" in refused.value.message
    assert _entries_state() == before


def test_pictures_are_type_and_size_checked(tree):
    contest = build_contest(org=tree.a)
    before = _entries_state()
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as refused:
        submit(contest, name="摄影", images=[fake])
    assert refused.value.fields["images"] == [
        "上传的文件不是有效的图片，请上传 JPG、PNG 或 WebP 格式的图片。"
    ]
    big = SimpleUploadedFile(
        "big.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationFailed) as refused:
        submit(contest, name="摄影", images=[big])
    assert refused.value.fields["images"] == ["图片不能超过 10 MB。"]
    with pytest.raises(ValidationFailed) as refused:
        submit(contest, name="摄影", images=[png_upload() for _ in range(4)])
    assert refused.value.fields["images"] == ["“摄影”类最多上传 3 张图片。"]
    assert _entries_state() == before
    entry = submit(contest, name="摄影", images=[png_upload(), png_upload()])
    assert entry.images.count() == 2


def test_one_entry_per_person_per_category_unless_the_call_allows_more(tree):
    contest = build_contest(org=tree.a)
    submit(contest, phone="13900001111")
    before = _entries_state()
    with pytest.raises(ValidationFailed) as refused:
        submit(contest, phone="139 0000 1111")
    assert "最多投稿 1 件" in refused.value.message
    assert _entries_state() == before
    submit(contest, name="摄影", phone="13900001111")  # another category is fine
    roomy = build_contest(org=tree.a, entries_per_person=2)
    submit(roomy, phone="13900001111")
    submit(roomy, phone="13900001111")
    assert Entry.objects.filter(contest=roomy).count() == 2


def _judging(tree, users, *, method="mean", judges=3):
    contest = build_contest(org=tree.a, scoring_method=method)
    entries = [submit(contest) for _ in range(3)]
    panel = [make_user(f"judge{i}", "social_worker", tree.a) for i in range(judges)]
    for user in panel:
        services.judge_add(actor=users.township_staff, contest=contest, user=user)
    for entry in entries:
        services.entry_screen(actor=users.township_staff, entry=entry, accept=True)
    services.contest_advance(actor=users.township_staff, contest=contest)
    return contest, entries, panel


def test_a_judge_scores_only_assigned_entries_within_the_range(tree, users):
    contest, entries, panel = _judging(tree, users)
    # each entry to 2 of the 3 judges, in turn
    assert services.entries_assign(actor=users.township_staff, contest=contest, per_entry=2) == 6
    judge = panel[0]
    assert {a.entry_id for a in judge_assignments(judge)} == {entries[0].pk, entries[2].pk}
    before = (Score.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        services.score_submit(actor=judge, entry=entries[1], value="90")
    assert refused.value.message == "该作品未分配给您评审，不能评分。"
    with pytest.raises(ValidationFailed) as refused:
        services.score_submit(actor=judge, entry=entries[0], value="100.5")
    assert refused.value.fields["value"] == ["评分应在 0 到 100 分之间。"]
    with pytest.raises(ValidationFailed):
        services.score_submit(actor=users.township_staff, entry=entries[0], value="80")
    assert (Score.objects.count(), AuditEvent.objects.count()) == before
    services.score_submit(actor=judge, entry=entries[0], value="88.5", comment="立意好")
    services.score_submit(actor=judge, entry=entries[0], value="89")  # corrected
    assert list(Score.objects.values_list("value", flat=True)) == [Decimal("89.00")]


def test_results_by_the_trimmed_mean_with_ties_and_the_gallery(tree, users, client):
    contest, entries, panel = _judging(tree, users, method="trimmed_mean", judges=4)
    services.entries_assign(actor=users.township_staff, contest=contest)
    hand_made = {
        entries[0]: ["90", "80", "70", "100"],  # drop 100 and 70 → 85.00
        entries[1]: ["85", "85", "60", "99"],  # drop 99 and 60 → 85.00 (tied)
        entries[2]: ["95", "91", "93", "50"],  # drop 95 and 50 → 92.00
    }
    with pytest.raises(ValidationFailed):
        services.contest_publish(actor=users.township_staff, contest=contest)  # scores missing
    for entry, values in hand_made.items():
        for judge, value in zip(panel, values, strict=True):
            services.score_submit(actor=judge, entry=entry, value=value)
    services.contest_publish(actor=users.township_staff, contest=contest)
    rows = {
        e.pk: (e.final_score, e.rank, e.tied, e.prize)
        for e in Entry.objects.filter(contest=contest)
    }
    assert rows == {
        entries[2].pk: (Decimal("92.00"), 1, False, "一等奖"),
        entries[0].pk: (Decimal("85.00"), 2, True, "二等奖"),
        entries[1].pk: (Decimal("85.00"), 2, True, "二等奖"),
    }
    assert WorksContest.objects.get(pk=contest.pk).status == ContestStatus.PUBLISHED
    gallery = client.get(f"/portal/outreach/contests/{contest.pk}/gallery/").content.decode()
    assert entries[2].title in gallery and "一等奖" in gallery and "并列" in gallery


def test_the_portal_takes_an_entry_with_pictures(tree, client):
    contest = build_contest(org=tree.a)
    url = f"/portal/outreach/contests/{contest.pk}/"
    assert contest.title in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "category": category(contest, "摄影").pk,
            "author_name": "王芳",
            "phone": "13900002222",
            "title": "焊花",
            "images": [png_upload("a.png"), png_upload("b.png")],
        },
    )
    assert response.status_code == 302
    entry = Entry.objects.get(title="焊花")
    assert entry.images.count() == 2 and entry.phone_hash and entry.phone == "13900002222"
    assert entry.reference in client.get(response["Location"]).content.decode()


def test_a_withdrawn_entry_leaves_judging_and_frees_the_authors_place(tree, users):
    from gonghui.core.errors import Conflict

    contest, entries, panel = _judging(tree, users)
    services.entries_assign(actor=users.township_staff, contest=contest)
    services.score_submit(actor=panel[0], entry=entries[0], value="80")
    # a scored entry cannot be withdrawn, nor one without a note
    with pytest.raises(Conflict):
        services.entry_withdraw(actor=users.township_staff, entry=entries[0], note="作者要求")
    with pytest.raises(ValidationFailed) as refused:
        services.entry_withdraw(actor=users.township_staff, entry=entries[1], note=" ")
    assert refused.value.fields["note"] == ["请填写撤回说明(不超过 200 个字)。"]
    entry = services.entry_withdraw(
        actor=users.township_staff, entry=entries[1], note="作者来电要求撤回"
    )
    assert entry.status == "withdrawn"
    assert not entry.assignments.exists()
    # the author may send another entry in that category of an open call
    open_call = build_contest(org=tree.a)
    first = submit(open_call, phone="13900002222")
    services.entry_withdraw(actor=users.township_staff, entry=first, note="作者要求撤回")
    submit(open_call, phone="13900002222")


def test_the_portal_asks_only_for_what_the_call_takes(tree, client):
    texts = build_contest(org=tree.a, categories=[{"name": "征文", "takes_text": True}])
    page = client.get(f"/portal/outreach/contests/{texts.pk}/").content.decode()
    assert 'name="text"' in page and 'type="file"' not in page
    pictures = build_contest(org=tree.a, categories=[{"name": "摄影", "max_images": 2}])
    page = client.get(f"/portal/outreach/contests/{pictures.pk}/").content.decode()
    assert 'name="text"' not in page and 'type="file"' in page and "摄影类请上传" in page


def _flashed(response) -> list[str]:
    """The messages a post left for the next page (then dropped, as showing them would)."""
    from django.contrib.messages import get_messages

    shown = [str(m) for m in get_messages(response.wsgi_request)]
    response.client.cookies.pop("messages", None)
    return shown


def test_the_panel_form_reports_in_chinese_and_writes_nothing(tree, users, login):
    from gonghui.outreach.contests.models import ContestJudge

    contest = build_contest(org=tree.a)
    services.judge_add(actor=users.township_staff, contest=contest, user=users.grassroots_staff)
    client = login(users.township_staff)
    before = (ContestJudge.objects.count(), AuditEvent.objects.count())
    url = f"/outreach/contests/{contest.pk}/judges/"
    assert _flashed(client.post(url, {"user": ""})) == ["请选择评委。"]
    assert _flashed(client.post(url, {"user": users.grassroots_staff.pk})) == [
        "该评委已在评审组中。"
    ]
    assert (ContestJudge.objects.count(), AuditEvent.objects.count()) == before


def test_the_assign_form_reports_its_own_and_the_service_errors_in_one_round(tree, users, login):
    from gonghui.outreach.contests.models import JudgeAssignment

    contest = build_contest(org=tree.a, status=ContestStatus.JUDGING)
    client = login(users.township_staff)
    before = AuditEvent.objects.count()
    url = f"/outreach/contests/{contest.pk}/assign/"
    assert _flashed(client.post(url, {"per_entry": "x"})) == [
        "每件作品由几位评委评分请填写整数。",
        "请先添加评委。",
    ]
    services.judge_add(actor=users.township_staff, contest=contest, user=users.grassroots_staff)
    assert _flashed(client.post(url, {"per_entry": "2"})) == [
        "每件作品的评委人数应在 1 到 1 之间。"
    ]
    assert not JudgeAssignment.objects.exists()
    assert AuditEvent.objects.count() == before + 1  # the judge added, nothing else


def test_the_screening_form_reports_in_chinese_and_writes_nothing(tree, users, login):
    entry = submit(build_contest(org=tree.a))
    client = login(users.township_staff)
    before = (entry.status, AuditEvent.objects.count())
    url = f"/outreach/entries/{entry.pk}/screen/"
    assert _flashed(client.post(url, {"accept": "0", "note": ""})) == ["未入围须填写初审意见。"]
    assert _flashed(client.post(url, {"accept": "0", "note": "长" * 201})) == [
        "初审意见不能超过 200 个字。"
    ]
    entry.refresh_from_db()
    assert (entry.status, AuditEvent.objects.count()) == before


def test_a_contest_is_run_through_the_api(tree, users, client):
    import json

    from gonghui.accounts.services import token_create

    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.township_staff)}"}

    def post(path, body=None):
        return client.post(
            f"/api/v1/outreach{path}",
            json.dumps(body or {}),
            content_type="application/json",
            **auth,
        )

    now = timezone.now()
    call = {
        "org_id": tree.a1.pk,
        "title": "接口征文",
        "theme": "劳动最美",
        "opens_at": now.isoformat(),
        "deadline": (now - datetime.timedelta(days=1)).isoformat(),
        "categories": [],
    }
    refused = post("/contests", call)
    assert refused.status_code == 422
    assert refused.json()["fields"] == {
        "deadline": ["截止时间应晚于开始时间。"],
        "categories": ["请至少设置一个征集类别。"],
    }
    assert not WorksContest.objects.exists()
    call["deadline"] = (now + datetime.timedelta(days=10)).isoformat()
    call["categories"] = [{"name": "征文", "takes_text": True}]
    made = post("/contests", call)
    assert made.status_code == 201 and made.json()["status"] == "draft"
    contest = WorksContest.objects.get(pk=made.json()["id"])
    assert post(f"/contests/{contest.pk}/advance").json()["status"] == "open"
    entry = submit(contest)
    judge = post(f"/contests/{contest.pk}/judges", {"user_id": users.grassroots_staff.pk})
    assert judge.status_code == 201
    rejected = post(f"/entries/{entry.pk}/screen", {"accept": False})
    assert rejected.status_code == 422 and rejected.json()["fields"]["note"] == [
        "未入围须填写初审意见。"
    ]
    assert post(f"/entries/{entry.pk}/screen", {"accept": True}).json()["status"] == "accepted"
    assert post(f"/contests/{contest.pk}/advance").json()["status"] == "judging"
    assert post(f"/contests/{contest.pk}/assign", {}).json() == {"assigned": 1}
    assert judge_assignments(users.grassroots_staff).get().entry_id == entry.pk
