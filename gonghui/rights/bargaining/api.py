"""API of bargaining: /api/v1/rights/offers and /api/v1/rights/seasons."""

from datetime import date

from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from gonghui.core.api import PageParams, errors, field_names, paginate, plain, require
from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope
from gonghui.orgs.models import Org
from gonghui.rights.bargaining import selectors, services
from gonghui.rights.bargaining.models import (
    OfferDirection,
    OfferOutcome,
    OfferReply,
    SeasonKind,
    TargetReason,
)
from gonghui.rights.employers.selectors import enterprise_rights_scoped
from gonghui.rights.shared import MODULE, today

router = Router(tags=["维权"])


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class TalkOut(Schema):
    round: int
    held_on: date
    union_reps: int
    employer_reps: int
    minutes: str


class OfferOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    season_id: int | None
    direction: OfferDirection
    subject: str
    sent_on: date
    reply_due: date = Field(description="答复期限(收到要约之日起 20 日，遇休息日、法定节假日顺延)")
    replied_on: date | None
    reply: str
    outcome: OfferOutcome
    outcome_on: date | None
    contract_id: int | None
    talks: list[TalkOut]
    version: int

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_talks(obj):
        return list(obj.talks.all())


class OfferPage(Schema):
    items: list[OfferOut]
    next_cursor: str | None


class OfferFilters(Schema):
    q: str = ""
    state: str = Field("", description="awaiting / overdue / talks / signed / closed")
    township: int | None = None
    season: int | None = None


class OfferIn(_Strict):
    enterprise_id: int
    subject: str = Field(max_length=200)
    sent_on: date
    content: str = ""
    direction: OfferDirection = OfferDirection.SENT
    season_id: int | None = None


class ReplyIn(_Strict):
    replied_on: date
    reply: OfferReply
    note: str = Field("", max_length=500)
    version: int | None = None


class TalkIn(_Strict):
    held_on: date
    union_reps: int
    employer_reps: int
    minutes: str
    representatives: str = Field("", max_length=500)


class OutcomeIn(_Strict):
    outcome: OfferOutcome
    on: date
    note: str = Field("", max_length=300)
    version: int | None = None


class SeasonOut(Schema):
    id: int
    name: str
    kind: SeasonKind
    org_id: int
    year: int
    starts_on: date
    ends_on: date
    status: str


class ProgressOut(Schema):
    township_id: int | None
    township: str
    targets: int
    offered: int
    replied: int
    signed: int
    overdue: int


class SeasonProgressOut(Schema):
    season: SeasonOut
    rows: list[ProgressOut]


class SeasonIn(_Strict):
    org_id: int
    name: str = Field(max_length=100)
    kind: SeasonKind
    year: int
    starts_on: date
    ends_on: date
    note: str = Field("", max_length=300)


def _get(user, pk, action=Action.VIEW):
    return (
        selectors.offer_scoped(user, action)
        .select_related("enterprise")
        .prefetch_related("talks")
        .get(pk=pk)
    )


@router.get("/offers", response={200: OfferPage, **errors(403, 422)}, summary="协商要约列表")
def offer_list(request, filters: Query[OfferFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    rows = selectors.offer_list(
        request.auth,
        q=filters.q,
        state=filters.state,
        township=filters.township,
        season=filters.season,
    ).prefetch_related("talks")
    return paginate(rows, page, descending=True)


@router.get("/offers/{pk:id}", response={200: OfferOut, **errors(403, 404)}, summary="协商要约详情")
def offer_detail(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    return _get(request.auth, id)


@router.post("/offers", response={201: OfferOut, **errors(403, 404, 422)}, summary="登记协商要约")
def offer_create(request, payload: OfferIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["enterprise"] = (
        enterprise_rights_scoped(user, Action.EDIT)
        .select_related("union", "org")
        .get(pk=data.pop("enterprise_id"))
    )
    season_id = data.pop("season_id")
    data["season"] = selectors.season_get(user, season_id) if season_id else None
    with field_names(enterprise="enterprise_id", season="season_id"):
        offer = services.offer_send(actor=user, **data)
    return Status(201, _get(user, offer.pk))


@router.post(
    "/offers/{pk:id}/reply",
    response={200: OfferOut, **errors(403, 404, 409, 422)},
    summary="登记答复",
)
def offer_reply(request, id: int, payload: ReplyIn):
    require(request.auth, MODULE, Action.EDIT)
    services.offer_reply_record(
        actor=request.auth, offer=_get(request.auth, id, Action.EDIT), **plain(payload.model_dump())
    )
    return _get(request.auth, id)


@router.post(
    "/offers/{pk:id}/talks",
    response={201: OfferOut, **errors(403, 404, 422)},
    summary="登记协商会议",
)
def offer_talk(request, id: int, payload: TalkIn):
    require(request.auth, MODULE, Action.EDIT)
    services.talk_add(
        actor=request.auth, offer=_get(request.auth, id, Action.EDIT), **payload.model_dump()
    )
    return Status(201, _get(request.auth, id))


@router.post(
    "/offers/{pk:id}/outcome",
    response={200: OfferOut, **errors(403, 404, 409, 422)},
    summary="登记协商结果",
)
def offer_outcome(request, id: int, payload: OutcomeIn):
    require(request.auth, MODULE, Action.EDIT)
    services.offer_conclude(
        actor=request.auth, offer=_get(request.auth, id, Action.EDIT), **plain(payload.model_dump())
    )
    return _get(request.auth, id)


@router.get("/seasons", response={200: list[SeasonOut], **errors(403)}, summary="要约行动列表")
def season_list(request):
    require(request.auth, MODULE, Action.VIEW)
    return list(selectors.season_list(request.auth)[:100])


@router.get(
    "/seasons/{pk:id}/progress",
    response={200: SeasonProgressOut, **errors(403, 404)},
    summary="要约行动进度(按乡镇、街道)",
    description="本人范围内的要约对象数、已发要约、已答复、已签订、答复逾期。",
)
def season_progress(request, id: int):
    require(request.auth, MODULE, Action.VIEW)
    season = selectors.season_get(request.auth, id)
    rows = selectors.season_progress(request.auth, season)
    return {
        "season": season,
        "rows": [
            {
                "township_id": r.org_id,
                "township": r.name,
                "targets": r.targets,
                "offered": r.offered,
                "replied": r.replied,
                "signed": r.signed,
                "overdue": r.overdue,
            }
            for r in rows
        ],
    }


@router.post(
    "/seasons",
    response={201: SeasonOut, **errors(403, 404, 422)},
    summary="开启要约行动(生成要约对象名单)",
)
def season_create(request, payload: SeasonIn):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    data = plain(payload.model_dump())
    data["org"] = get_in_scope_or_404(
        Org.objects.all(), user, MODULE, Action.EDIT, pk=data.pop("org_id")
    )
    with field_names(org="org_id"):
        season = services.season_open(actor=user, **data)
    return Status(201, season)


class TargetOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    township_id: int | None = Field(description="所在乡镇(街道、园区)工会 id")
    reason: TargetReason
    contract_end_on: date | None = Field(description="现合同届满日期(行动期内到期的)")
    offer_id: int | None = Field(description="已发出的要约 id")

    @staticmethod
    def resolve_enterprise_name(obj):
        return obj.enterprise.name

    @staticmethod
    def resolve_township_id(obj):
        return obj.org_anchor_id


class TargetPage(Schema):
    items: list[TargetOut]
    next_cursor: str | None


class TargetFilters(Schema):
    q: str = ""
    state: str = Field("", description="todo / offered / overdue / replied / signed")
    township: int | None = None


@router.get(
    "/seasons/{pk:id}/targets",
    response={200: TargetPage, **errors(403, 404, 422)},
    summary="要约行动对象名单",
    description="本人范围内的要约对象(已建会、无生效合同或行动期内到期的单位)及其要约。",
)
def season_targets(request, id: int, filters: Query[TargetFilters], page: Query[PageParams]):
    require(request.auth, MODULE, Action.VIEW)
    season = selectors.season_get(request.auth, id)
    rows = selectors.target_list(
        request.auth, season, q=filters.q, state=filters.state, township=filters.township
    )
    return paginate(rows, page)


@router.post(
    "/seasons/{pk:id}/targets/{pk:target_id}/offer",
    response={201: OfferOut, **errors(403, 404, 422)},
    summary="向名单中的单位发出要约",
    description="以行动的标准要约内容、今天的日期发出，20 日答复期限开始计算。",
)
def season_target_offer(request, id: int, target_id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    season = selectors.season_get(user, id)
    target = selectors.target_scoped(user, season, Action.EDIT).select_related("enterprise")
    target = target.get(pk=target_id)
    offer = services.offer_send(
        actor=user,
        enterprise=target.enterprise,
        subject="签订(续订)集体合同",
        content=f"根据“{season.name}”，我会代表职工向贵单位提出集体协商要约。",
        sent_on=today(),
        season=season,
    )
    return Status(201, _get(user, offer.pk))


@router.post(
    "/seasons/{pk:id}/close",
    response={200: SeasonOut, **errors(403, 404, 422)},
    summary="结束要约行动",
)
def season_close(request, id: int):
    user = request.auth
    require(user, MODULE, Action.EDIT)
    season = selectors.season_get(user, id)
    if not org_in_scope(user, MODULE, Action.EDIT, season.org):
        raise Http404
    return services.season_close(actor=user, season=season)
