"""Competition pages: list, detail with results by trade, plan/edit, lifecycle steps,
registration (staff; imports go through the import pipeline), quotas, the score sheet of a
trade and round, awards, the results export, project competitions' participants and scores.

Views parse input, call one service or selector, render."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import forms_valid
from gonghui.core.modules import Action
from gonghui.core.pages import (
    date_range_param,
    form_apply_error,
    org_param_or_404,
    posted_org_or_404,
)
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import Org
from gonghui.workforce import lookups
from gonghui.workforce.choices import MODULE, UPPER_LEVELS, Channel, ContestLevel
from gonghui.workforce.competitions import selectors, services
from gonghui.workforce.competitions.forms import (
    AwardForm,
    CompetitionForm,
    EntryForm,
    ParticipantForm,
    ProjectScoreForm,
    QuotaForm,
    StepForm,
    WithdrawForm,
)
from gonghui.workforce.competitions.models import (
    CompetitionKind,
    CompetitionStatus,
    EntryStatus,
    ProjectDimension,
    Title,
    Trade,
)
from gonghui.workforce.competitions.services import ScoreRow

FILTER_KEYS = ("q", "kind", "level", "status", "year", "trade")


def _filters(source) -> dict:
    return {k: (source.get(k) or "").strip() for k in FILTER_KEYS}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _redirect_detail(competition, anchor: str = ""):
    return redirect(reverse("workforce:competition_detail", args=[competition.pk]) + anchor)


# --- list -----------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def competition_list(request):
    filters = _filters(request.GET)
    rows = selectors.competition_list(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        level=filters["level"],
        status=filters["status"],
        year=_int(filters["year"]),
        trade=_int(filters["trade"]),
        org=(within := org_param_or_404(request, MODULE)),
        date_from=(dates := date_range_param(request)).start,
        date_to=dates.end,
    )
    page = paginate_peek(request, rows)
    counts = selectors.entry_counts([c.pk for c in page["page_obj"]])
    for competition in page["page_obj"]:
        competition.entrants = counts.get(competition.pk, 0)
    return render(
        request,
        "workforce/competitions/list.html",
        {
            **page,
            "filters": filters,
            "within": within,
            "dates": dates,
            "date_label": "开始日期",
            "kind_choices": CompetitionKind.choices,
            "level_choices": ContestLevel.choices,
            "status_choices": [*CompetitionStatus.choices, selectors.HELD_FILTER],
            "trade_choices": selectors.trade_choices(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


# --- create / edit --------------------------------------------------------------------------


def _competition_form(request, data=None, competition=None):
    initial = None
    if competition is not None:
        initial = {name: getattr(competition, name) for name in services.COMPETITION_FIELDS} | {
            "org": str(competition.org_id),
            "trades": [str(t.pk) for t in competition.trades.all()],
            "titles": [str(t.pk) for t in competition.titles.all()],
            "version": competition.version,
        }
    titles = list(Title.objects.filter(is_active=True))
    form = CompetitionForm(
        data,
        initial=initial,
        orgs=lookups.org_options(request.user, Action.EDIT),
        trades=selectors.trade_choices(),
        titles=titles,
    )
    form.check = lambda values: services.competition_validate(
        actor=request.user,
        org=_posted_org(request, values.get("org")),
        competition=competition,
        trades=_picked(Trade, values["trades"]) if "trades" in values else None,
        **_service_values(values),
    )
    return form


def _posted_org(request, value) -> Org | None:
    org = Org.objects.filter(pk=_int(value)).first()
    if org is not None and not org_in_scope(request.user, MODULE, Action.EDIT, org):
        raise Http404
    return org


def _service_values(values: dict) -> dict:
    return {k: values[k] for k in services.COMPETITION_FIELDS if k in values}


def _picked(model, ids):
    return list(model.objects.filter(pk__in=[_int(i) for i in ids or [] if _int(i)]))


@requires(MODULE, Action.EDIT)
def competition_create(request):
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    form = _competition_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            competition = services.competition_create(
                actor=request.user,
                org=_posted_org(request, values["org"]),
                trades=_picked(Trade, values["trades"]),
                titles=_picked(Title, values["titles"]) if values["titles"] else None,
                **_service_values(values),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已新建竞赛“{competition.name}”(计划)，请提交立项。")
            return _redirect_detail(competition)
    return render(
        request,
        "workforce/competitions/form.html",
        {"form": form, "competition": None},
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.EDIT)
def competition_edit(request, pk):
    competition = selectors.competition_get(request.user, pk, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    form = _competition_form(request, request.POST or None, competition)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        changes = _service_values(values)
        try:
            services.competition_update(
                actor=request.user,
                competition=competition,
                version=values["version"],
                trades=_picked(Trade, values["trades"]),
                titles=_picked(Title, values["titles"]),
                **changes,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "已保存。")
            return _redirect_detail(competition)
    return render(
        request,
        "workforce/competitions/form.html",
        {"form": form, "competition": competition},
        status=422 if request.method == "POST" else 200,
    )


# --- detail ---------------------------------------------------------------------------------


def _detail_context(request, competition, **extra) -> dict:
    user = request.user
    can_edit = org_in_scope(user, MODULE, Action.EDIT, competition.org)
    can_approve = org_in_scope(user, MODULE, Action.APPROVE, competition.org)
    trades = selectors.competition_trades(competition)
    trade_id = _int(request.GET.get("trade"))
    context = {
        "c": competition,
        "trades": trades,
        "titles": list(competition.titles.all()),
        "trade_id": trade_id,
        "steps": services.steps_available(user, competition),
        "can_edit": can_edit,
        "can_approve": can_approve,
        "can_register": can(user, MODULE, Action.EDIT)
        and competition.is_personal
        and competition.status in (CompetitionStatus.APPROVED, CompetitionStatus.RUNNING),
        "can_score": can_edit and competition.status == CompetitionStatus.RUNNING,
        "can_export": can(user, MODULE, Action.EXPORT),
        "organiser_view": selectors.organiser_view(user, competition),
        "rounds": list(range(1, competition.rounds + 1)),
        "quotas": selectors.quotas_of(competition) if can_edit else [],
        "quota_form": QuotaForm(orgs=lookups.org_options(user, Action.VIEW), trades=trades)
        if can_edit and competition.is_personal
        else None,
        "award_form": AwardForm(titles=competition.titles.all()) if can_approve else None,
        "step_form": StepForm(),
        "is_upper": competition.level in UPPER_LEVELS,
        "registration_open": competition.registration_open_on(services.today()),
    }
    if competition.is_personal:
        context["results"] = selectors.results_by_trade(user, competition, trade_id=trade_id)
    else:
        context["standings"] = selectors.project_standings(user, competition)
        context["participant_form"] = ParticipantForm() if can_edit else None
        context["project_score_form"] = ProjectScoreForm() if can_edit else None
        context["dimensions"] = ProjectDimension.choices
    context.update(extra)
    return context


@requires(MODULE, Action.VIEW)
def competition_detail(request, pk):
    competition = selectors.competition_get(request.user, pk)
    return render(
        request, "workforce/competitions/detail.html", _detail_context(request, competition)
    )


@requires(MODULE, Action.VIEW)
@require_POST
def competition_step(request, pk, step):
    if step not in services.STEPS:
        raise Http404
    competition = selectors.competition_get(request.user, pk, services.STEPS[step].action)
    form = StepForm(request.POST)
    form.is_valid()
    try:
        competition = services.competition_transition(
            actor=request.user,
            competition=competition,
            step=step,
            note=form.cleaned_data.get("note", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"已{services.STEPS[step].label}：竞赛现为“{competition.get_status_display()}”。",
        )
    return _redirect_detail(competition)


# --- registration ---------------------------------------------------------------------------


@requires(MODULE, Action.EDIT)
def entry_create(request, pk):
    competition = selectors.competition_get(request.user, pk)
    form = EntryForm(
        request.POST or None,
        trades=selectors.competition_trades(competition),
        user=request.user,
        validate=lambda **values: services.entry_validate(
            actor=request.user, competition=competition, channel=Channel.STAFF, **values
        ),
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.entry_register(
                actor=request.user, competition=competition, **form.service_values()
            )
        except ServiceError as exc:
            form.add_service_errors(exc)
        else:
            (messages.warning if result.waiting else messages.success)(request, result.message)
            if request.POST.get("next") == "more":
                return redirect("workforce:entry_create", pk=competition.pk)
            return _redirect_detail(competition, "#results")
    return render(
        request,
        "workforce/competitions/entry_form.html",
        {
            "form": form,
            "c": competition,
            "open": competition.registration_open_on(services.today()),
        },
        status=422 if request.method == "POST" else 200,
    )


@requires(MODULE, Action.EDIT)
@require_POST
def entry_withdraw(request, pk):
    entry = selectors.entry_get(request.user, pk, Action.EDIT)
    form = WithdrawForm(request.POST)
    form.is_valid()
    try:
        services.entry_withdraw(
            actor=request.user, entry=entry, reason=form.cleaned_data.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{entry.member.name}已退出；候补名单按报名先后递补。")
    return _redirect_detail(entry.competition, "#results")


@requires(MODULE, Action.EDIT)
@require_POST
def quota_set(request, pk):
    competition = selectors.competition_get(request.user, pk, Action.EDIT)
    form = QuotaForm(
        request.POST,
        orgs=lookups.org_options(request.user, Action.VIEW),
        trades=selectors.competition_trades(competition),
    )
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _redirect_detail(competition, "#quotas")
    org = Org.objects.filter(pk=_int(form.cleaned_data["org"])).first()
    trade = Trade.objects.filter(pk=_int(form.cleaned_data["trade"])).first()
    if org is None:
        raise Http404
    try:
        services.quota_set(
            actor=request.user,
            competition=competition,
            org=org,
            trade=trade,
            places=form.cleaned_data["places"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "名额已更新。")
    return _redirect_detail(competition, "#quotas")


# --- scores ---------------------------------------------------------------------------------


def _score_rows(post, entries) -> list[ScoreRow]:
    return [
        ScoreRow(
            entry.pk,
            (post.get(f"t-{entry.pk}") or "").strip() or None,
            (post.get(f"p-{entry.pk}") or "").strip() or None,
            post.get(f"a-{entry.pk}") == "1",
        )
        for entry in entries
    ]


@requires(MODULE, Action.EDIT)
def score_sheet(request, pk):
    """One trade, one round: every registered entrant's theory and practical scores."""
    competition = selectors.competition_get(request.user, pk, Action.EDIT)
    trades = selectors.competition_trades(competition)
    source = request.POST if request.method == "POST" else request.GET
    trade = next(
        (t for t in trades if str(t.pk) == source.get("trade")), trades[0] if trades else None
    )
    round_ = _int(source.get("round")) or 1
    if trade is None or not 1 <= round_ <= competition.rounds:
        raise Http404
    results = selectors.results_by_trade(request.user, competition, trade_id=trade.pk)
    entries = (
        [e for e in results[0]["entries"] if e.status == EntryStatus.REGISTERED] if results else []
    )
    errors: dict[str, list[str]] = {}
    posted = None
    status = 200
    if request.method == "POST":
        posted = request.POST
        try:
            saved = services.scores_record(
                actor=request.user,
                competition=competition,
                trade=trade,
                round=round_,
                rows=_score_rows(request.POST, entries),
            )
        except ServiceError as exc:
            errors = exc.fields
            messages.error(request, exc.message)
            status = 422
        else:
            messages.success(
                request, f"已保存第 {round_} 轮{trade.name}成绩({saved} 条变更)，名次已重新计算。"
            )
            return redirect(
                reverse("workforce:score_sheet", args=[competition.pk])
                + f"?trade={trade.pk}&round={round_}"
            )
    rows = []
    for entry in entries:
        score = entry.round_scores[round_ - 1]
        if posted is not None:
            theory, practical = posted.get(f"t-{entry.pk}", ""), posted.get(f"p-{entry.pk}", "")
            absent = posted.get(f"a-{entry.pk}") == "1"
        else:
            theory = "" if score is None or score.theory is None else score.theory
            practical = "" if score is None or score.practical is None else score.practical
            absent = bool(score and score.absent)
        rows.append(
            {
                "entry": entry,
                "theory": theory,
                "practical": practical,
                "absent": absent,
                "theory_errors": errors.get(f"{entry.pk}-theory", []),
                "practical_errors": errors.get(f"{entry.pk}-practical", []),
            }
        )
    return render(
        request,
        "workforce/competitions/scores.html",
        {
            "c": competition,
            "trades": trades,
            "trade": trade,
            "round": round_,
            "rounds": list(range(1, competition.rounds + 1)),
            "rows": rows,
            "form_errors": errors.get("__all__", []),
        },
        status=status,
    )


# --- awards ---------------------------------------------------------------------------------


@requires(MODULE, Action.APPROVE)
@require_POST
def award_grant(request, pk):
    entry = selectors.entry_get(request.user, pk, Action.VIEW)
    competition = entry.competition
    if not org_in_scope(request.user, MODULE, Action.APPROVE, competition.org):
        raise Http404
    form = AwardForm(request.POST, titles=Title.objects.all())
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _redirect_detail(competition, "#results")
    title = Title.objects.filter(pk=_int(form.cleaned_data["title"])).first()
    try:
        services.award_grant(
            actor=request.user,
            entry=entry,
            title=title,
            grade_steps=form.cleaned_data["grade_steps"] or 0,
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已为{entry.member.name}授予。")
    return _redirect_detail(competition, "#results")


@requires(MODULE, Action.APPROVE)
@require_POST
def award_remove(request, pk):
    award = selectors.award_get(request.user, pk, Action.APPROVE)
    try:
        services.award_remove(actor=request.user, award=award)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤销该项人工授予。")
    return _redirect_detail(award.entry.competition, "#results")


# --- export ---------------------------------------------------------------------------------


@requires(MODULE, Action.EXPORT)
def results_export(request, pk):
    competition = selectors.competition_get(request.user, pk)
    results = selectors.results_by_trade(request.user, competition)
    rounds = list(range(1, competition.rounds + 1))
    headers = [
        "工种",
        "名次",
        "姓名",
        "会员卡号",
        "所在工会",
        "工作单位",
        *[f"第{r}轮" for r in rounds],
        "总成绩",
        "称号/晋级",
        "状态",
        "说明",
    ]

    def rows():
        for block in results:
            for entry in block["entries"]:
                yield [
                    block["trade"].name,
                    entry.rank,
                    entry.member.name,
                    entry.member.card_number,
                    entry.org.name,
                    entry.employer.name if entry.employer else "",
                    *[_round_text(s) for s in entry.round_scores],
                    entry.total,
                    "、".join(_award_text(a) for a in entry.award_list),
                    entry.get_status_display(),
                    ("并列" if entry.is_tied else "") + entry.missing_note,
                ]

    content = export_workbook(
        actor=request.user,
        what="competition_results",
        headers=headers,
        rows=rows(),
        sheet_name="成绩与名次",
        title=f"{competition.name} 成绩与名次",
        filters={"competition": competition.code},
    )
    return xlsx_response(content, f"{competition.name}成绩")


def _round_text(score) -> str:
    if score is None:
        return ""
    if score.absent:
        return "缺赛"
    parts = [str(v) for v in (score.theory, score.practical) if v is not None]
    return " / ".join(parts)


def _award_text(award) -> str:
    parts = [award.title.name] if award.title else []
    if award.grade_steps:
        parts.append(f"晋升{award.grade_steps}级")
    return " ".join(parts)


# --- project competitions ------------------------------------------------------------------


@requires(MODULE, Action.EDIT)
@require_POST
def participant_add(request, pk):
    competition = selectors.competition_get(request.user, pk, Action.EDIT)
    form = ParticipantForm(request.POST)
    enterprise = None
    if form.is_valid():
        try:
            enterprise = lookups.enterprise_find(request.user, form.cleaned_data["enterprise"])
            services.participant_add(
                actor=request.user,
                competition=competition,
                enterprise=enterprise,
                section=form.cleaned_data["section"],
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已添加参赛单位“{enterprise.name}”。")
    else:
        messages.error(request, "请填写参赛单位。")
    return _redirect_detail(competition, "#standings")


@requires(MODULE, Action.EDIT)
@require_POST
def project_score(request, pk):
    participant = selectors.participant_get(request.user, pk, Action.EDIT)
    form = ProjectScoreForm(request.POST)
    if not forms_valid(form):
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return _redirect_detail(participant.competition, "#standings")
    scores = {
        code: form.cleaned_data[code]
        for code in ProjectDimension.values
        if form.cleaned_data.get(code) is not None
    }
    try:
        services.project_scores_record(
            actor=request.user,
            participant=participant,
            period=form.cleaned_data["period"],
            scores=scores,
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "考评得分已保存。")
    return _redirect_detail(participant.competition, "#standings")
