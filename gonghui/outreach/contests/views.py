"""Works-contest pages: the calls (staff), entries and screening, the panel and assignment,
results with ties, judging (each judge sees only their assigned entries, without authors),
and on the portal the open calls, the entry form and the winners' gallery."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.forms import forms_valid
from gonghui.core.modules import Action
from gonghui.core.pages import flash_errors, form_apply_error, posted_org_or_404, section_redirect
from gonghui.core.paging import paginate_peek
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.outreach.caravans.selectors import org_choices, staff_in_scope
from gonghui.outreach.contests import selectors, services
from gonghui.outreach.contests.forms import (
    AssignForm,
    CategoryFormSet,
    ContestForm,
    EntryForm,
    JudgeForm,
    ScoreForm,
    ScreenForm,
    WithdrawForm,
)
from gonghui.outreach.contests.models import (
    ContestStatus,
    EntryImage,
    EntryStatus,
    ScoringMethod,
)
from gonghui.outreach.images import file_response

MODULE = "outreach"


def _prizes_text(prizes) -> str:
    return ",".join(f"{p['name']}:{p['count']}" for p in prizes or [])


def _contest_data(cleaned: dict) -> dict:
    return {
        k: cleaned.get(k)
        for k in (
            "title",
            "theme",
            "rules",
            "opens_at",
            "deadline",
            "entries_per_person",
            "score_min",
            "score_max",
            "scoring_method",
            "prizes",
        )
    }


@requires(MODULE, Action.VIEW)
def contest_list(request):
    q = (request.GET.get("q") or "").strip()
    status = (request.GET.get("status") or "").strip()
    return render(
        request,
        "outreach/contests/contest_list.html",
        {
            **paginate_peek(request, selectors.contest_list(request.user, q=q, status=status)),
            "q": q,
            "status": status,
            "status_choices": ContestStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def contest_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = org_choices(request.user)
    categories = CategoryFormSet(
        request.POST or None,
        prefix="categories",
        initial=[
            {"name": "征文", "takes_text": True, "max_images": 0, "text_max_chars": 5000},
            {"name": "书画", "takes_text": False, "max_images": 3},
            {"name": "摄影", "takes_text": False, "max_images": 6},
        ]
        if request.method != "POST"
        else None,
    )

    def check(cleaned):
        categories.is_valid()
        services.contest_validate(
            actor=request.user, categories=categories.rows(), **_contest_data(cleaned)
        )

    form = ContestForm(
        request.POST or None,
        orgs=orgs,
        initial={"prizes": "一等奖:1,二等奖:2,三等奖:3"},
        check=check,
    )
    if request.method == "POST" and forms_valid(form, categories):
        try:
            contest = services.contest_create(
                actor=request.user,
                org=orgs.get(pk=form.cleaned_data["org"]),
                categories=categories.rows(),
                **_contest_data(form.cleaned_data),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已创建作品征集：{contest.title}(草稿)。")
            return redirect("outreach:contest_detail", pk=contest.pk)
    return render(
        request,
        "outreach/contests/contest_form.html",
        {"form": form, "categories": categories, "creating": True},
    )


@requires(MODULE, Action.EDIT)
def contest_edit(request, pk):
    contest = selectors.contest_get(request.user, pk, Action.EDIT)
    initial = {f: getattr(contest, f) for f in services.CONTEST_FIELDS}
    initial.update(prizes=_prizes_text(contest.prizes), version=contest.version)
    form = ContestForm(
        request.POST or None,
        initial=initial,
        check=lambda cleaned: services.contest_validate(
            actor=request.user, contest=contest, **_contest_data(cleaned)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.contest_update(
                actor=request.user,
                contest=contest,
                version=form.cleaned_data.get("version"),
                **_contest_data(form.cleaned_data),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "征集信息已保存。")
            return redirect("outreach:contest_detail", pk=contest.pk)
    return render(request, "outreach/contests/contest_form.html", {"form": form, "c": contest})


@requires(MODULE, Action.VIEW)
def contest_detail(request, pk):
    contest = selectors.contest_get(request.user, pk)
    category = request.GET.get("category", "")
    status = request.GET.get("status", "")
    q = (request.GET.get("q") or "").strip()
    entries = selectors.contest_entries(
        contest, category=int(category) if category.isdigit() else None, status=status, q=q
    )
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, contest.org)
    judges = list(contest.judges.select_related("user").order_by("id"))
    panel = {j.user_id for j in judges}
    return render(
        request,
        "outreach/contests/contest_detail.html",
        {
            "c": contest,
            **paginate_peek(request, entries, per_page=50),
            "categories": list(contest.categories.all()),
            "category": category,
            "status": status,
            "q": q,
            "entry_status_choices": EntryStatus.choices,
            "judges": judges,
            "can_edit": can_edit,
            "judge_form": JudgeForm(
                users=[u for u in staff_in_scope(request.user) if u.pk not in panel]
            )
            if can_edit
            else None,
            "assign_form": AssignForm(),
            "screen_form": ScreenForm(),
            "next_status": services.NEXT_STATUS.get(contest.status),
            "status_labels": dict(ContestStatus.choices),
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def contest_advance(request, pk):
    contest = selectors.contest_get(request.user, pk, Action.EDIT)
    try:
        contest = services.contest_advance(actor=request.user, contest=contest)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"征集已进入“{contest.get_status_display()}”阶段。")
    return redirect("outreach:contest_detail", pk=contest.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def judge_add(request, pk):
    contest = selectors.contest_get(request.user, pk, Action.EDIT)
    users = {u.pk: u for u in staff_in_scope(request.user)}
    form = JudgeForm(
        request.POST,
        users=users.values(),
        check=lambda cleaned: services.judge_validate(
            contest=contest, user=users.get(cleaned.get("user"))
        ),
    )
    if form.is_valid():
        try:
            services.judge_add(
                actor=request.user, contest=contest, user=users.get(form.cleaned_data["user"])
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "已添加评委。")
    else:
        flash_errors(request, form)
    return section_redirect(
        request, reverse("outreach:contest_detail", args=[contest.pk]), "judges"
    )


@requires(MODULE, Action.EDIT)
@require_POST
def entries_assign(request, pk):
    contest = selectors.contest_get(request.user, pk, Action.EDIT)
    form = AssignForm(
        request.POST,
        check=lambda cleaned: services.entries_assign_validate(contest=contest, **cleaned),
    )
    if form.is_valid():
        try:
            count = services.entries_assign(
                actor=request.user, contest=contest, per_entry=form.cleaned_data.get("per_entry")
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, f"已分配 {count} 份评审。")
    else:
        flash_errors(request, form)
    return section_redirect(
        request, reverse("outreach:contest_detail", args=[contest.pk]), "judges"
    )


@requires(MODULE, Action.VIEW)
def entry_detail(request, pk):
    entry = selectors.entry_get(request.user, pk)
    return render(
        request,
        "outreach/contests/entry_detail.html",
        {
            "e": entry,
            "images": selectors.entry_images(entry),
            "scores": list(entry.assignments.select_related("judge", "score").order_by("id")),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, entry.org),
            "screen_form": ScreenForm(),
            "withdraw_form": WithdrawForm(),
            "can_screen": entry.contest.status in (ContestStatus.OPEN, ContestStatus.JUDGING),
        },
    )


@requires(MODULE, Action.EDIT)
@require_POST
def entry_screen(request, pk):
    entry = selectors.entry_get(request.user, pk, Action.EDIT)
    accept = request.POST.get("accept") == "1"
    form = ScreenForm(
        request.POST,
        check=lambda cleaned: services.entry_screen_validate(
            entry=entry, accept=accept, note=cleaned.get("note") or ""
        ),
    )
    if form.is_valid():
        try:
            services.entry_screen(
                actor=request.user,
                entry=entry,
                accept=accept,
                note=form.cleaned_data.get("note") or "",
            )
        except ServiceError as exc:
            flash_errors(request, exc=exc)
        else:
            messages.success(request, "初审结果已保存。")
    else:
        flash_errors(request, form)
    return redirect("outreach:entry_detail", pk=entry.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def entry_withdraw(request, pk):
    entry = selectors.entry_get(request.user, pk, Action.EDIT)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.entry_withdraw(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "作品已撤回。")
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("outreach:entry_detail", pk=entry.pk)


@requires(MODULE, Action.VIEW)
def entry_image(request, pk, image_pk):
    entry = selectors.entry_get(request.user, pk)
    image = get_object_or_404(EntryImage, pk=image_pk, entry=entry)
    return file_response(image.image)


@requires(MODULE, Action.VIEW)
def contest_results(request, pk):
    """The standings per category from the scores so far (ties shown), and publishing."""
    contest = selectors.contest_get(request.user, pk)
    standings = services.results_compute(contest)
    entries = {e.pk: e for e in contest.entries.filter(status=EntryStatus.ACCEPTED)}
    scores: dict[int, list] = {}
    for entry_id, value in (
        contest.entries.filter(assignments__score__isnull=False)
        .values_list("id", "assignments__score__value")
        .order_by("id", "assignments__score__value")
    ):
        scores.setdefault(entry_id, []).append(value)
    tables = []
    for category in contest.categories.all():
        rows = [
            {"s": s, "e": entries[s.key], "scores": scores.get(s.key, [])}
            for s in standings.get(category.pk, [])
        ]
        tables.append({"category": category, "rows": rows})
    few = contest.scoring_method == ScoringMethod.TRIMMED_MEAN and any(
        0 < len(v) < 3 for v in scores.values()
    )
    return render(
        request,
        "outreach/contests/contest_results.html",
        {
            "c": contest,
            "tables": tables,
            "few_scores": few,
            "can_publish": contest.status == ContestStatus.JUDGING
            and org_in_scope(request.user, MODULE, Action.APPROVE, contest.org),
        },
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def contest_publish(request, pk):
    contest = selectors.contest_get(request.user, pk, Action.APPROVE)
    try:
        services.contest_publish(actor=request.user, contest=contest)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "评审结果已公布，获奖作品在职工服务中展示。")
    return redirect("outreach:contest_results", pk=contest.pk)


# --- judging (assigned judges) ----------------------------------------------------------------


# A menu link: access by module grant, so the menu costs no query per page; the list holds
# only the user's own assignments (empty for a non-judge), the score pages check assignment.
@requires("outreach", "view")
def judging(request):
    rows = selectors.judge_assignments(request.user)
    return render(
        request,
        "outreach/contests/judging.html",
        {**paginate_peek(request, rows, per_page=50)},
    )


@requires(test=selectors.is_judge)
def judging_score(request, pk):
    assignment = selectors.assignment_for_judge(request.user, pk)
    entry = assignment.entry
    score = getattr(assignment, "score", None)
    form = ScoreForm(
        request.POST or None,
        initial={"value": score.value, "comment": score.comment} if score else None,
        check=lambda cleaned: services.score_validate(assignment=assignment, **cleaned),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.score_submit(
                actor=request.user,
                entry=entry,
                value=form.cleaned_data["value"],
                comment=form.cleaned_data.get("comment") or "",
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已为作品 {entry.reference} 评分。")
            return redirect("outreach:judging")
    return render(
        request,
        "outreach/contests/judging_score.html",
        {
            "a": assignment,
            "e": entry,
            "images": selectors.entry_images(entry),
            "form": form,
            "open": entry.contest.status == ContestStatus.JUDGING,
        },
    )


@requires(test=selectors.is_judge)
def judging_image(request, pk, image_pk):
    assignment = selectors.assignment_for_judge(request.user, pk)
    image = get_object_or_404(EntryImage, pk=image_pk, entry_id=assignment.entry_id)
    return file_response(image.image)


# --- portal ------------------------------------------------------------------------------------


@require_GET
def portal_contests(request):
    return render(
        request,
        "outreach/portal/contests.html",
        {"open": selectors.contests_open(), "published": selectors.contests_published()},
    )


@csrf_protect
def portal_contest(request, pk):
    contest = selectors.contest_public_get(pk)
    if contest is None:
        return render(request, "outreach/portal/not_found.html", status=404)
    categories = list(contest.categories.all())
    images = request.FILES.getlist("images") if request.method == "POST" else []

    def data(cleaned):
        values = {
            k: cleaned.get(k) or ""
            for k in ("author_name", "author_unit", "phone", "title", "text")
        }
        values["category"] = next((c for c in categories if c.pk == cleaned.get("category")), None)
        return values

    form = EntryForm(
        request.POST or None,
        categories=categories,
        check=lambda cleaned: services.entry_validate(
            contest=contest, images=images, **data(cleaned)
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry = services.entry_submit_public(
                contest=contest, images=images, ip=client_ip(request), **data(form.cleaned_data)
            )
        except services.RateLimited as exc:
            return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            request.session["outreach_entry"] = entry.reference
            return redirect("outreach_portal:contest_done", pk=contest.pk)
    return render(
        request,
        "outreach/portal/contest.html",
        {
            "c": contest,
            "form": form,
            "categories": categories,
            "takes_images": any(c.max_images for c in categories),
            "takes_text": any(c.takes_text for c in categories),
        },
    )


@require_GET
def portal_contest_done(request, pk):
    contest = selectors.contest_public_get(pk)
    reference = request.session.get("outreach_entry")
    if contest is None or not reference:
        raise Http404
    return render(
        request, "outreach/portal/contest_done.html", {"c": contest, "reference": reference}
    )


@require_GET
def portal_gallery(request, pk):
    contest = selectors.contest_public_get(pk)
    if contest is None or contest.status != ContestStatus.PUBLISHED:
        return render(request, "outreach/portal/not_found.html", status=404)
    return render(
        request,
        "outreach/portal/gallery.html",
        {"c": contest, "winners": selectors.gallery(contest)},
    )


@require_GET
def portal_gallery_image(request, pk, image_pk):
    contest = selectors.contest_public_get(pk)
    image = selectors.gallery_image(contest, image_pk) if contest is not None else None
    if image is None:
        raise Http404
    response = file_response(image.image)
    response["Cache-Control"] = "public, max-age=3600"
    return response
