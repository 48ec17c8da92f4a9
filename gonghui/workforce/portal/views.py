"""The worker's own workforce pages on the portal (/portal/workforce/, public, phone-first,
no JavaScript needed): identify with ID number + phone, then see the competitions open to
them and register, see their honours ledger, submit a 五小 result or a 合理化建议.

The identified member is kept in the session (its id and when it was last used) for
IDLE_SECONDS; "退出" forgets it. Views parse, call one service or selector, render."""

import time

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_POST

from gonghui.core.errors import NotFound, ServiceError
from gonghui.core.masking import mask_id_number
from gonghui.core.pages import form_apply_error
from gonghui.core.request_context import client_ip
from gonghui.workforce.choices import Channel
from gonghui.workforce.competitions import services as competition_services
from gonghui.workforce.honours.selectors import member_ledger_public
from gonghui.workforce.innovations import services as innovation_services
from gonghui.workforce.portal import selectors, services
from gonghui.workforce.portal.forms import (
    IdentifyForm,
    InnovationForm,
    RegisterForm,
    SuggestionForm,
)

SESSION_KEY = "workforce_portal_member"
IDLE_SECONDS = 30 * 60
# Where the identify page sends the worker back to (never an address from the request).
NEXT_PAGES = {"honours", "innovation", "suggestion"}


def _member(request):
    """The member identified in this session, or None (expired, left, no longer active)."""
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    now = time.time()
    member = None
    if now - float(data.get("at", 0)) <= IDLE_SECONDS:
        member = selectors.member_active(data.get("pk"))
    if member is None:
        request.session.pop(SESSION_KEY, None)
        return None
    request.session[SESSION_KEY] = {"pk": member.pk, "at": now}
    return member


def _identify_first(next_page: str):
    response = redirect("workforce_portal:home")
    response["Location"] += f"?next={next_page}"
    return response


def _not_found(request):
    return render(request, "workforce/portal/not_found.html", status=404)


@csrf_protect
def home(request):
    """Not identified: the ID number + phone form. Identified: the competitions open to the
    member, their registrations and the links to the other pages."""
    member = _member(request)
    next_page = request.GET.get("next", "")
    if member is not None:
        if next_page in NEXT_PAGES:
            return redirect(f"workforce_portal:{next_page}")
        entries = selectors.my_entries(member)
        return render(
            request,
            "workforce/portal/home.html",
            {
                "member": member,
                "masked_id": mask_id_number(member.id_number),
                "competitions": selectors.open_competitions(member),
                "entries": entries,
                "entered": {row.entry.competition_id for row in entries if row.live},
            },
        )
    form = IdentifyForm(
        request.POST or None,
        check=lambda values: services.identify_validate(
            id_number=values.get("id_number", ""), phone=values.get("phone", "")
        ),
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                member = services.member_identify(ip=client_ip(request), **form.cleaned_data)
            except services.RateLimited as exc:
                return render(
                    request, "portal/rate_limited.html", {"message": exc.message}, status=429
                )
            except NotFound as exc:
                form.add_error(None, exc.message)
                status = 404
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                request.session.cycle_key()
                request.session[SESSION_KEY] = {"pk": member.pk, "at": time.time()}
                target = next_page if next_page in NEXT_PAGES else "home"
                return redirect(f"workforce_portal:{target}")
    return render(
        request,
        "workforce/portal/identify.html",
        {"form": form, "next": next_page if next_page in NEXT_PAGES else ""},
        status=status,
    )


@require_POST
@csrf_protect
def leave(request):
    request.session.pop(SESSION_KEY, None)
    messages.info(request, "已退出。")
    return redirect("workforce_portal:home")


@csrf_protect
def competition(request, pk):
    """One open competition and the trade to register in; over a quota the entry goes on
    the waiting list and the page says so."""
    member = _member(request)
    if member is None:
        return redirect("workforce_portal:home")
    found = selectors.open_competition(member, pk)
    if found is None:
        return _not_found(request)
    trades = list(found.trades.all())
    form = RegisterForm(
        request.POST or None,
        trades=trades,
        initial={"trade": trades[0].pk} if len(trades) == 1 else {},
    )
    form.check = lambda values: competition_services.entry_validate(
        actor=None,
        competition=found,
        trade=form.trade(values),
        member=member,
        channel=Channel.PORTAL,
    )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                done = competition_services.entry_register(
                    actor=None,
                    competition=found,
                    trade=form.trade(),
                    member=member,
                    channel=Channel.PORTAL,
                    username=f"portal:{member.card_number}",
                )
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                (messages.warning if done.waiting else messages.success)(request, done.message)
                return redirect("workforce_portal:home")
    return render(
        request,
        "workforce/portal/competition.html",
        {"c": found, "form": form, "member": member},
        status=status,
    )


def honours(request):
    member = _member(request)
    if member is None:
        return _identify_first("honours")
    return render(request, "workforce/portal/honours.html", member_ledger_public(member))


def _submit_page(request, *, form_class, validate, write, template, done, next_page):
    """The 五小 and 合理化建议 forms: `validate` is the service's write-free validation,
    `write` the service that submits; both take the member and the form's values."""
    member = _member(request)
    if member is None:
        return _identify_first(next_page)
    form = form_class(request.POST or None)
    form.check = lambda values: validate(member, form.service_values(values))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                write(member, form.service_values(form.cleaned_data))
            except ServiceError as exc:
                form.add_service_errors(exc)
                status = exc.status
            else:
                messages.success(request, done)
                return redirect("workforce_portal:honours")
    return render(request, template, {"form": form, "member": member}, status=status)


def _portal(member) -> dict:
    return {"actor": None, "member": member, "channel": Channel.PORTAL}


@csrf_protect
def innovation(request):
    return _submit_page(
        request,
        form_class=InnovationForm,
        validate=lambda member, values: innovation_services.innovation_validate(
            **_portal(member), **values
        ),
        write=lambda member, values: innovation_services.innovation_submit(
            **_portal(member), username=f"portal:{member.card_number}", **values
        ),
        template="workforce/portal/innovation.html",
        done="已提交五小成果，所在工会审核后组织评审。",
        next_page="innovation",
    )


@csrf_protect
def suggestion(request):
    return _submit_page(
        request,
        form_class=SuggestionForm,
        validate=lambda member, values: innovation_services.suggestion_validate(
            actor=None, member=member, **values
        ),
        write=lambda member, values: innovation_services.suggestion_submit(
            **_portal(member), username=f"portal:{member.card_number}", **values
        ),
        template="workforce/portal/suggestion.html",
        done="已提交合理化建议，所在工会处理后可在“我的荣誉”中查看结果。",
        next_page="suggestion",
    )
