"""Pages of the 主席论坛 column: staff pages (authors, reviewers, editors) and the public
ones (submission page, status by tracking code, reading page, print page, the PDF page)."""

from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from gonghui.audit.services import sensitive_view_record
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import ReasonForm
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.pdf import PDF_TYPE
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires, scope_queryset
from gonghui.forum import documents, selectors, services
from gonghui.forum.forms import (
    ArticleForm,
    EditionForm,
    EditorNoteForm,
    ProofForm,
    PublicSubmissionForm,
    ReviewForm,
    SettingsForm,
    SubmissionForm,
    TopicForm,
)
from gonghui.forum.models import (
    IN_REVIEW,
    PROOF_ROUNDS,
    Decision,
    EditionStatus,
    Stage,
    Submission,
    SubmissionFile,
    SubmissionSource,
    SubmissionStatus,
)
from gonghui.orgs.models import Org, OrgLevel, OrgStatus
from gonghui.sites.public.services import public_rate_check
from gonghui.sites.services import RateLimited

MODULE = "forum"
ARTICLE_FIELDS = ("title", "author_name", "author_position", "author_org", "text")


def _article_values(form) -> dict:
    return {k: form.cleaned_data.get(k) or "" for k in ARTICLE_FIELDS}


def _check_article(public: bool = False):
    def check(values: dict) -> None:
        fields = {k: values.get(k) or "" for k in ARTICLE_FIELDS}
        extra = {}
        if public:
            extra = {
                "contact_name": values.get("contact_name") or "",
                "contact_phone": values.get("contact_phone") or "",
                "contact_email": values.get("contact_email") or "",
                "consent": bool(values.get("consent")),
            }
        services.submission_validate(files=values.get("files"), public=public, **fields, **extra)

    return check


def _edit_orgs(user):
    return scope_queryset(
        Org.objects.filter(status=OrgStatus.ACTIVE), user, MODULE, Action.EDIT, org_field=""
    ).order_by("path")[:200]


# --- authors: my submissions -------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def my_list(request):
    items = selectors.my_submissions(request.user)
    return render(request, "forum/my_list.html", {**paginate_peek(request, items)})


@requires(MODULE, Action.VIEW)
def submission_new(request):
    topics = list(selectors.topics_open())
    if request.method == "POST":
        form = SubmissionForm(request.POST, request.FILES, topics=topics, check=_check_article())
        if form.is_valid():
            topic = next((t for t in topics if t.pk == form.cleaned_data["topic"]), None)
            try:
                submission = services.submission_create(
                    actor=request.user,
                    org=request.user.org,
                    topic=topic,
                    files=form.cleaned_data["files"],
                    **_article_values(form),
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "投稿成功，编辑部将进行初审。")
                return redirect("forum:my_detail", pk=submission.pk)
    else:
        initial = {"author_name": request.user.full_name}
        if request.GET.get("topic", "").isdigit():
            initial["topic"] = int(request.GET["topic"])
        form = SubmissionForm(topics=topics, initial=initial)
    return render(request, "forum/submission_form.html", {"form": form, "topics": topics})


@requires(MODULE, Action.VIEW)
def my_detail(request, pk):
    submission = selectors.my_submission_get(request.user, pk)
    form = None
    if submission.status == SubmissionStatus.REVISE:
        form = ArticleForm(initial={k: getattr(submission, k) for k in ARTICLE_FIELDS})
    return render(request, "forum/my_detail.html", _author_context(submission, form))


def _author_context(submission, form) -> dict:
    return {
        "s": submission,
        "reviews": list(submission.reviews.all()),
        "files": list(submission.files.all()),
        "form": form,
    }


@requires(MODULE, Action.VIEW)
@require_POST
def my_revise(request, pk):
    submission = selectors.my_submission_get(request.user, pk)
    form = ArticleForm(request.POST, request.FILES, check=_check_article())
    if form.is_valid():
        try:
            services.submission_revise(
                actor=request.user,
                submission=submission,
                files=form.cleaned_data["files"],
                **_article_values(form),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "修改稿已提交，将重新进入初审。")
            return redirect("forum:my_detail", pk=submission.pk)
    return render(request, "forum/my_detail.html", _author_context(submission, form))


# --- reviewers and editors ---------------------------------------------------------------------

FILTER_KEYS = ("q", "status", "topic", "source", "overdue")


@requires(MODULE, Action.VIEW)
def submission_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    overdue = None
    if filters["overdue"] == "reminder":
        overdue = services.forum_settings().reminder_days
    elif filters["overdue"].isdigit():
        overdue = int(filters["overdue"])
    items = selectors.submission_list(
        request.user,
        q=filters["q"],
        status=filters["status"],
        topic=filters["topic"],
        source=filters["source"],
        overdue_days=overdue,
    )
    return render(
        request,
        "forum/submission_list.html",
        {
            **paginate_peek(request, items),
            "filters": filters,
            "status_choices": [("in_review", "审稿中(全部审次)"), *SubmissionStatus.choices],
            "source_choices": SubmissionSource.choices,
            "overdue": overdue,
        },
    )


def _detail_context(request, submission, **forms) -> dict:
    user = request.user
    settings_row = services.forum_settings()
    stage = submission.status if submission.status in IN_REVIEW else None
    review_allowed = bool(stage and services.may_review(user, submission, stage, settings_row))
    taken = services.stage_taken_by(user, submission, stage) if review_allowed else None
    review_allowed = review_allowed and not taken
    can_edit = org_in_scope(user, MODULE, Action.EDIT, submission.org)
    proofs = list(submission.proofs.select_related("proofreader"))
    accepted = submission.status in (SubmissionStatus.ACCEPTED, SubmissionStatus.SCHEDULED)
    waited = (timezone.now() - submission.stage_since).days
    return {
        "s": submission,
        "reviews": list(submission.reviews.select_related("reviewer")),
        "files": list(submission.files.all()),
        "proofs": proofs,
        "stage": stage,
        "stage_label": Stage(stage).label if stage else "",
        "stage_roles": settings_row.roles_for(stage) if stage else [],
        "review_allowed": review_allowed,
        "review_form": forms.get("review_form")
        or (ReviewForm(initial={"stage": stage}) if review_allowed else None),
        "proof_form": forms.get("proof_form")
        or (ProofForm() if can_edit and accepted and len(proofs) < PROOF_ROUNDS else None),
        "note_form": forms.get("note_form")
        or (
            EditorNoteForm(initial={"note": submission.editor_note})
            if can_edit and (accepted or submission.status == SubmissionStatus.PUBLISHED)
            else None
        ),
        "taken_label": Stage(taken).label if taken else "",
        "unmask_form": ReasonForm()
        if submission.contact_phone
        and org_in_scope(user, MODULE, Action.VIEW_SENSITIVE, submission.org)
        else None,
        "waited_days": waited,
        "overdue": stage is not None and waited > settings_row.reminder_days,
        "reminded": stage is not None
        and submission.reminded_at is not None
        and submission.reminded_at >= submission.stage_since,
        "reminder_days": settings_row.reminder_days,
    }


@requires(MODULE, Action.VIEW)
def submission_detail(request, pk):
    submission = selectors.submission_get(request.user, pk)
    return render(request, "forum/submission_detail.html", _detail_context(request, submission))


def _post_action(request, pk, action, form_class, key, call, success):
    submission = selectors.submission_get(request.user, pk, action)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(submission, form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, success)
            return redirect("forum:submission_detail", pk=submission.pk)
    submission = selectors.submission_get(request.user, pk)
    return render(
        request,
        "forum/submission_detail.html",
        _detail_context(request, submission, **{key: form}),
    )


@requires(MODULE, Action.APPROVE)
@require_POST
def submission_review(request, pk):
    def call(submission, data):
        services.review_record(
            actor=request.user,
            submission=submission,
            stage=data["stage"],
            decision=data["decision"],
            comment=data["comment"],
        )

    return _post_action(
        request, pk, Action.APPROVE, ReviewForm, "review_form", call, "审稿意见已记录。"
    )


@requires(MODULE, Action.EDIT)
@require_POST
def submission_proof(request, pk):
    def call(submission, data):
        services.proof_record(actor=request.user, submission=submission, note=data["note"])

    return _post_action(request, pk, Action.EDIT, ProofForm, "proof_form", call, "校次已记录。")


@requires(MODULE, Action.EDIT)
@require_POST
def submission_note(request, pk):
    def call(submission, data):
        services.editor_note_set(actor=request.user, submission=submission, note=data["note"])

    return _post_action(
        request, pk, Action.EDIT, EditorNoteForm, "note_form", call, "小编说已保存。"
    )


@requires(MODULE, Action.VIEW_SENSITIVE)
@require_POST
def submission_unmask(request, pk):
    """An outside author's phone in full, to reach them: view-sensitive, a reason; audited."""
    submission = selectors.submission_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整联系电话须填写事由。")
        return redirect("forum:submission_detail", pk=submission.pk)
    sensitive_view_record(
        actor=request.user,
        obj=submission,
        fields=["contact_phone"],
        reason=form.cleaned_data["reason"],
    )
    context = _detail_context(request, submission)
    context.update(phone_plain=submission.contact_phone, unmask_form=None)
    return render(request, "forum/submission_detail.html", context)


@requires(MODULE, Action.VIEW)
def submission_file(request, pk, file_pk):
    submission = selectors.submission_get(request.user, pk)
    stored = get_object_or_404(SubmissionFile, pk=file_pk, submission=submission)
    return _file_response(stored)


def _file_response(stored: SubmissionFile):
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_image,
        filename=stored.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- topics ------------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def topic_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "state")}
    items = selectors.topic_list(request.user, q=filters["q"], state=filters["state"])
    return render(
        request,
        "forum/topic_list.html",
        {
            **paginate_peek(request, items),
            "filters": filters,
            "today": timezone.localdate(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _topic_form_page(request, topic=None):
    orgs = list(_edit_orgs(request.user))
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
        form = TopicForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = form.cleaned_data
            org = next((o for o in orgs if o.pk == data["org"]), None)
            if org is None:
                raise Http404
            try:
                if topic is None:
                    services.topic_create(
                        actor=request.user,
                        org=org,
                        title=data["title"],
                        call_text=data["call_text"],
                        deadline=data["deadline"],
                    )
                else:
                    services.topic_update(
                        actor=request.user,
                        topic=topic,
                        title=data["title"],
                        call_text=data["call_text"],
                        deadline=data["deadline"],
                    )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "议题已保存。")
                return redirect("forum:topic_list")
    elif topic is not None:
        form = TopicForm(
            orgs=orgs,
            initial={
                "title": topic.title,
                "call_text": topic.call_text,
                "deadline": topic.deadline,
                "org": topic.org_id,
            },
        )
    else:
        form = TopicForm(orgs=orgs)
    return render(request, "forum/topic_form.html", {"form": form, "topic": topic})


@requires(MODULE, Action.EDIT)
def topic_new(request):
    return _topic_form_page(request)


@requires(MODULE, Action.EDIT)
def topic_edit(request, pk):
    return _topic_form_page(request, selectors.topic_get(request.user, pk, Action.EDIT))


# --- editions ----------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def edition_list(request):
    status = request.GET.get("status", "").strip()
    items = selectors.edition_list(request.user, status=status)
    return render(
        request,
        "forum/edition_list.html",
        {
            **paginate_peek(request, items),
            "status": status,
            "status_choices": EditionStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def edition_new(request):
    orgs = list(_edit_orgs(request.user))
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
        form = EditionForm(request.POST, orgs=orgs)
        if form.is_valid():
            data = form.cleaned_data
            org = next((o for o in orgs if o.pk == data["org"]), None)
            if org is None:
                raise Http404
            try:
                edition = services.edition_create(
                    actor=request.user,
                    org=org,
                    number=data["number"],
                    issue_date=data["issue_date"],
                    page=data["page"],
                    title=data["title"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "已新建一期，请从录用稿件中编排。")
                return redirect("forum:edition_detail", pk=edition.pk)
    else:
        form = EditionForm(orgs=orgs, initial={"issue_date": timezone.localdate()})
    return render(request, "forum/edition_form.html", {"form": form})


def _edition_context(request, edition) -> dict:
    can_edit = (
        org_in_scope(request.user, MODULE, Action.EDIT, edition.org)
        and edition.status == EditionStatus.PLANNED
    )
    candidates = list(selectors.accepted_for_planning(request.user)[:100]) if can_edit else []
    settings_row = services.forum_settings()
    return {
        "e": edition,
        "articles": list(selectors.edition_articles(edition)),
        "can_edit": can_edit,
        "candidates": candidates,
        "quiet": selectors.quiet_townships(edition, days=settings_row.quiet_days),
        "quiet_days": settings_row.quiet_days,
        "proof_rounds": PROOF_ROUNDS,
    }


@requires(MODULE, Action.VIEW)
def edition_detail(request, pk):
    edition = selectors.edition_get(request.user, pk)
    return render(request, "forum/edition_detail.html", _edition_context(request, edition))


@requires(MODULE, Action.EDIT)
@require_POST
def edition_add(request, pk):
    edition = selectors.edition_get(request.user, pk, Action.EDIT)
    raw = [v for v in request.POST.getlist("articles") if v.strip()]
    try:
        ids = [int(v) for v in raw]
    except ValueError as exc:
        raise Http404 from exc
    try:
        services.edition_articles_add(actor=request.user, edition=edition, submission_ids=ids)
    except ServiceError as exc:
        messages.error(request, exc.message)
        for extra in exc.fields.get("articles", [])[1:]:
            messages.error(request, extra)
        context = _edition_context(request, edition)
        return render(request, "forum/edition_detail.html", context, status=exc.status)
    messages.success(request, f"已编入 {len(ids)} 篇稿件。")
    return redirect("forum:edition_detail", pk=edition.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def edition_remove(request, pk):
    edition = selectors.edition_get(request.user, pk, Action.EDIT)
    raw = request.POST.get("article", "")
    if not raw.isdigit():
        raise Http404
    try:
        services.edition_article_remove(actor=request.user, edition=edition, submission_id=int(raw))
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "稿件已移出本期。")
    return redirect("forum:edition_detail", pk=edition.pk)


@requires(MODULE, Action.EDIT)
@require_POST
def edition_publish(request, pk):
    edition = selectors.edition_get(request.user, pk, Action.EDIT)
    try:
        services.edition_publish(actor=request.user, edition=edition)
    except ServiceError as exc:
        messages.error(request, exc.message)
        for extra in exc.fields.get("__all__", [])[1:]:
            messages.error(request, extra)
    else:
        messages.success(request, "本期已发布，公众可在阅读页查看。")
    return redirect("forum:edition_detail", pk=edition.pk)


# --- statistics --------------------------------------------------------------------------------


def _year(request) -> int:
    raw = request.GET.get("year", "")
    this = timezone.localdate().year
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= this + 1 else this


@requires(MODULE, Action.VIEW)
def stats(request):
    year = _year(request)
    rows = selectors.stats_by_org(request.user, year=year)
    totals = {k: sum(r[k] for r in rows) for k in ("received", "accepted", "published", "declined")}
    by_status = selectors.stats_by_status(request.user)
    return render(
        request,
        "forum/stats.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
            "rows": rows,
            "totals": totals,
            "by_status": [(SubmissionStatus(k).label, v) for k, v in by_status.items()],
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


STATS_HEADERS = ("乡镇(街道)/单位", "来稿", "录用", "刊发", "未录用", "录用率(%)")


@requires(MODULE, Action.EXPORT)
def stats_export(request):
    year = _year(request)
    rows = selectors.stats_by_org(request.user, year=year)

    def lines():
        for r in rows:
            rate = round(r["accepted"] * 100 / r["received"], 1) if r["received"] else 0
            yield (r["org"], r["received"], r["accepted"], r["published"], r["declined"], rate)

    content = export_workbook(
        actor=request.user,
        what="forum_stats",
        headers=STATS_HEADERS,
        rows=lines(),
        sheet_name="来稿统计",
        filters={"year": year},
        title=f"主席论坛来稿统计({year} 年)",
    )
    return xlsx_response(content, f"主席论坛统计-{year}")


# --- settings ----------------------------------------------------------------------------------


@requires(MODULE, Action.APPROVE)
def settings_page(request):
    row = services.forum_settings()
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.forum_settings_update(actor=request.user, **form.cleaned_data)
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(request, "论坛设置已保存。")
                return redirect("forum:settings")
    else:
        form = SettingsForm(
            initial={
                "first_roles": row.first_roles,
                "second_roles": row.second_roles,
                "final_roles": row.final_roles,
                "reminder_days": row.reminder_days,
                "quiet_days": row.quiet_days,
            }
        )
    return render(request, "forum/settings.html", {"form": form})


# --- public pages ------------------------------------------------------------------------------


def _public_orgs():
    return Org.objects.filter(
        status=OrgStatus.ACTIVE, level__in=(OrgLevel.COUNTY, OrgLevel.TOWNSHIP)
    ).order_by("path")[:300]


def public_home(request):
    return render(
        request,
        "forum/public_home.html",
        {
            "editions": list(selectors.public_editions()[:24]),
            "topics": list(selectors.topics_open()[:10]),
        },
    )


@csrf_protect
def public_submit(request):
    topics = list(selectors.topics_open())
    orgs = list(_public_orgs())
    status = 200
    if request.method == "POST":
        form = PublicSubmissionForm(
            request.POST, request.FILES, topics=topics, orgs=orgs, check=_check_article(True)
        )
        if form.is_valid():
            data = form.cleaned_data
            topic = next((t for t in topics if t.pk == data["topic"]), None)
            org = next((o for o in orgs if o.pk == data["org"]), None)
            try:
                submission = services.submission_public_create(
                    org=org,
                    topic=topic,
                    ip=client_ip(request),
                    files=data["files"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_email=data["contact_email"],
                    consent=data["consent"],
                    **_article_values(form),
                )
            except services.RateLimited as exc:
                return render(
                    request, "portal/rate_limited.html", {"message": exc.message}, status=429
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
                status = exc.status
            else:
                request.session["forum_code"] = submission.tracking_code
                return redirect("forum:public_done")
        else:
            status = 422
    else:
        initial = {}
        if request.GET.get("topic", "").isdigit():
            initial["topic"] = int(request.GET["topic"])
        form = PublicSubmissionForm(topics=topics, orgs=orgs, initial=initial)
    return render(request, "forum/public_submit.html", {"form": form}, status=status)


def public_done(request):
    code = request.session.get("forum_code", "")
    return render(request, "forum/public_done.html", {"code": code})


def _by_code(code: str) -> Submission | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 12:
        return None
    return (
        Submission.objects.filter(tracking_code=code, source=SubmissionSource.PUBLIC)
        .select_related("topic")
        .first()
    )


@csrf_protect
def public_status(request):
    """An outside author's article by its tracking code: state, the comments sent to them,
    and the revision form when it was sent back."""
    code = (request.POST.get("code") or request.GET.get("code") or "").strip().upper()
    submission = _by_code(code) if code else None
    form = None
    status = 200
    if code and submission is None:
        status = 404
    if submission is not None and submission.status == SubmissionStatus.REVISE:
        if request.method == "POST" and request.POST.get("revise"):
            form = ArticleForm(request.POST, request.FILES, check=_check_article())
            if form.is_valid():
                try:
                    services.submission_revise(
                        actor=None,
                        submission=submission,
                        tracking_code=code,
                        files=form.cleaned_data["files"],
                        **_article_values(form),
                    )
                except ServiceError as exc:
                    form_apply_error(request, form, exc)
                else:
                    messages.success(request, "修改稿已提交，将重新进入初审。")
                    return redirect(f"{request.path}?code={code}")
        else:
            form = ArticleForm(initial={k: getattr(submission, k) for k in ARTICLE_FIELDS})
    comments = (
        [r for r in submission.reviews.all() if r.decision != Decision.ACCEPT]
        if submission is not None
        else []
    )
    return render(
        request,
        "forum/public_status.html",
        {"code": code, "s": submission, "form": form, "comments": comments},
        status=status,
    )


def public_edition(request, pk):
    edition = selectors.public_edition_get(pk)
    return render(
        request,
        "forum/public_edition.html",
        {"e": edition, "articles": list(selectors.public_articles(edition))},
    )


def public_edition_print(request, pk):
    edition = selectors.public_edition_get(pk)
    return render(
        request,
        "forum/public_print.html",
        {"e": edition, "articles": list(selectors.public_articles(edition))},
    )


def public_edition_pdf(request, pk):
    """The published edition's page (刊发版面) as a PDF file. Rendering one costs far more
    than a page, so it takes the public pages' per-address limit (the portal's and the
    public sites API's reads), counted before anything is looked up or rendered."""
    try:
        public_rate_check(client_ip(request))
    except RateLimited as exc:
        return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)
    edition = selectors.public_edition_get(pk)
    content = documents.edition_pdf(edition, selectors.public_articles(edition))
    response = HttpResponse(content, content_type=PDF_TYPE)
    name = f"{documents.edition_title(edition)}.pdf"
    response["Content-Disposition"] = (
        f"inline; filename=\"forum-{edition.number}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def public_file(request, pk):
    stored = get_object_or_404(
        SubmissionFile.objects.select_related("submission"),
        pk=pk,
        submission__status=SubmissionStatus.PUBLISHED,
        content_type__startswith="image/",
    )
    return _file_response(stored)
