"""Bargaining pages: offers (list with reply clocks, detail, send, reply, talks, outcome) and
offer seasons (open one with its proposed target list, progress by township, work the list)."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.modules import Action
from gonghui.core.pages import org_param_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.rights.bargaining import forms, selectors, services
from gonghui.rights.bargaining.models import OfferOutcome, OfferReply, SeasonStatus
from gonghui.rights.employers.selectors import (
    enterprise_rights_scoped,
    org_choices,
    township_choices,
)
from gonghui.rights.shared import MODULE, today
from gonghui.rights.views import filters, form_page, get_int, post_action

OFFERS = ("协商要约", "/rights/offers/")
SEASONS = ("要约行动", "/rights/seasons/")


def _offer_crumbs(offer=None):
    crumbs = [OFFERS]
    if offer is not None:
        crumbs.append((str(offer.enterprise), reverse("rights:offer_detail", args=[offer.pk])))
    return crumbs


@requires(MODULE, Action.VIEW)
def offer_list(request):
    chosen = filters(request.GET, ("q", "state", "township", "season"))
    rows = selectors.offer_list(
        request.user,
        q=chosen["q"],
        state=chosen["state"],
        township=get_int(request.GET, "township"),
        org=(within := org_param_or_404(request, MODULE)),
        season=get_int(request.GET, "season"),
    )
    return render(
        request,
        "rights/bargaining/offer_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "within": within,
            "states": selectors.OFFER_STATES.items(),
            "townships": township_choices(request.user),
            "on": today(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.VIEW)
def offer_detail(request, pk):
    offer = selectors.offer_get(request.user, pk)
    on = today()
    is_open = offer.outcome == OfferOutcome.OPEN
    return render(
        request,
        "rights/bargaining/offer_detail.html",
        {
            "o": offer,
            "on": on,
            "talks": list(offer.talks.all()),
            "overdue": offer.reply_overdue_on(on),
            "days_left": (offer.reply_due - on).days,
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, offer.org),
            "can_reply": is_open and offer.replied_on is None,
            "can_talk": is_open and offer.reply != OfferReply.REFUSED,
            "is_open": is_open,
        },
    )


@requires(MODULE, Action.EDIT)
def offer_create(request):
    enterprise = None
    if get_int(request.GET, "enterprise"):
        enterprise = (
            enterprise_rights_scoped(request.user, Action.EDIT)
            .select_related("org", "union")
            .filter(pk=get_int(request.GET, "enterprise"))
            .first()
        )
    form = forms.OfferForm(
        request.POST or None,
        user=request.user,
        initial={"sent_on": today(), "enterprise": enterprise.credit_code if enterprise else ""},
        check=lambda d: services.offer_validate(actor=request.user, **d),
    )
    return form_page(
        request,
        form,
        title="发出协商要约",
        crumbs=_offer_crumbs(),
        submit="登记要约",
        on_valid=lambda d: services.offer_send(actor=request.user, **d),
        success=lambda o: reverse("rights:offer_detail", args=[o.pk]),
        message=lambda o: f"已登记要约，答复期限 {o.reply_due:%Y-%m-%d}。",
    )


def _edit_offer(request, pk):
    return selectors.offer_get(request.user, pk, Action.EDIT)


@requires(MODULE, Action.EDIT)
def offer_reply(request, pk):
    offer = _edit_offer(request, pk)
    form = forms.ReplyForm(
        request.POST or None, initial={"replied_on": today(), "version": offer.version}
    )
    return form_page(
        request,
        form,
        title="登记答复",
        crumbs=_offer_crumbs(offer),
        intro=f"要约日期 {offer.sent_on:%Y-%m-%d}，答复期限 {offer.reply_due:%Y-%m-%d}"
        "(收到要约之日起 20 日，遇休息日、法定节假日顺延)。",
        on_valid=lambda d: services.offer_reply_record(actor=request.user, offer=offer, **d),
        success=lambda o: reverse("rights:offer_detail", args=[o.pk]),
        message="已登记答复。",
    )


@requires(MODULE, Action.EDIT)
def offer_talk(request, pk):
    offer = _edit_offer(request, pk)
    form = forms.TalkForm(
        request.POST or None,
        initial={"held_on": today()},
        check=lambda d: services.talk_validate(offer=offer, **d),
    )
    return form_page(
        request,
        form,
        title="登记协商会议",
        crumbs=_offer_crumbs(offer),
        intro="双方协商代表人数对等，每方 3 至 10 人。",
        on_valid=lambda d: services.talk_add(actor=request.user, offer=offer, **d),
        success=lambda t: reverse("rights:offer_detail", args=[offer.pk]) + "#talks",
        message=lambda t: f"已登记第 {t.round} 轮协商。",
    )


@requires(MODULE, Action.EDIT)
def offer_outcome(request, pk):
    offer = _edit_offer(request, pk)
    form = forms.OutcomeForm(
        request.POST or None, initial={"on": today(), "version": offer.version}
    )
    return form_page(
        request,
        form,
        title="登记协商结果",
        crumbs=_offer_crumbs(offer),
        intro="签订合同后，请在“集体合同”中登记合同并报送审查。",
        on_valid=lambda d: services.offer_conclude(actor=request.user, offer=offer, **d),
        success=lambda o: reverse("rights:offer_detail", args=[o.pk]),
        message="已登记结果。",
    )


# --- seasons ---------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def season_list(request):
    return render(
        request,
        "rights/bargaining/season_list.html",
        {
            **paginate_peek(request, selectors.season_list(request.user)),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def season_create(request):
    on = today()
    form = forms.SeasonForm(
        request.POST or None,
        orgs=list(org_choices(request.user).filter(level__lte=5)),
        initial={
            "name": f"{on.year + (1 if on.month > 6 else 0)}年春季集体协商要约行动",
            "year": on.year + (1 if on.month > 6 else 0),
        },
        check=lambda d: services.season_validate(actor=request.user, **d),
    )
    return form_page(
        request,
        form,
        title="开启要约行动",
        crumbs=[SEASONS],
        submit="开启并生成对象名单",
        intro="系统将列出所选组织范围内已建会、但没有覆盖到行动结束之后的集体合同的用人单位"
        "(没有生效合同，或合同在行动期内到期)，由各乡镇(街道)逐一发出要约。",
        on_valid=lambda d: services.season_open(actor=request.user, **d),
        success=lambda s: reverse("rights:season_detail", args=[s.pk]),
        message=lambda s: f"已开启“{s.name}”，生成要约对象 {s.targets.count()} 家。",
    )


@requires(MODULE, Action.VIEW)
def season_detail(request, pk):
    season = selectors.season_get(request.user, pk)
    rows = selectors.season_progress(request.user, season)
    return render(
        request,
        "rights/bargaining/season_detail.html",
        {
            "s": season,
            "rows": rows,
            "total": selectors.progress_total(rows),
            "can_close": season.status == SeasonStatus.OPEN
            and org_in_scope(request.user, MODULE, Action.EDIT, season.org),
        },
    )


@requires(MODULE, Action.VIEW)
def season_targets(request, pk):
    season = selectors.season_get(request.user, pk)
    chosen = filters(request.GET, ("q", "state", "township"))
    rows = selectors.target_list(
        request.user,
        season,
        q=chosen["q"],
        state=chosen["state"],
        township=get_int(request.GET, "township"),
    )
    return render(
        request,
        "rights/bargaining/season_targets.html",
        {
            **paginate_peek(request, rows, per_page=50),
            "s": season,
            "filters": chosen,
            "states": selectors.TARGET_STATES.items(),
            "townships": township_choices(request.user),
            "on": today(),
            "can_edit": season.status == SeasonStatus.OPEN
            and can(request.user, MODULE, Action.EDIT),
        },
    )


@require_POST
@requires(MODULE, Action.EDIT)
def season_target_offer(request, pk, target_pk):
    """Send the season's standard offer to one employer on the list (today)."""
    season = selectors.season_get(request.user, pk)
    target = selectors.target_scoped(request.user, season, Action.EDIT).filter(pk=target_pk).first()
    if target is None:
        from django.http import Http404

        raise Http404
    from urllib.parse import parse_qsl, urlencode

    query = urlencode(parse_qsl(request.POST.get("back", "")))
    back = reverse("rights:season_targets", args=[season.pk]) + (f"?{query}" if query else "")
    return post_action(
        request,
        lambda: services.offer_send(
            actor=request.user,
            enterprise=target.enterprise,
            subject="签订(续订)集体合同",
            content=f"根据“{season.name}”，我会代表职工向贵单位提出集体协商要约。",
            sent_on=today(),
            season=season,
        ),
        success=back,
        message=f"已向{target.enterprise.name}发出要约。",
    )


@require_POST
@requires(MODULE, Action.EDIT)
def season_close(request, pk):
    season = selectors.season_get(request.user, pk)
    if not org_in_scope(request.user, MODULE, Action.EDIT, season.org):
        from django.http import Http404

        raise Http404
    return post_action(
        request,
        lambda: services.season_close(actor=request.user, season=season),
        success=reverse("rights:season_detail", args=[season.pk]),
        message="要约行动已结束。",
    )
