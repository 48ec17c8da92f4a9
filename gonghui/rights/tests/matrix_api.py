"""Permission-matrix entries for every rights API operation (/api/v1/rights/…)."""

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.rights.models import (
    AidLawyer,
    BargainingOffer,
    BargainingTalk,
    CaseAttachment,
    CaseNote,
    CheckItem,
    CheckRecord,
    CollectiveContract,
    ContractAttachment,
    ContractVersion,
    FindingPhoto,
    Inspection,
    LegalAidCase,
    LegalAidSettings,
    NoticeSettings,
    OfferSeason,
    Reminder,
    ReminderRun,
    SeasonTarget,
    Supervisor,
    WageCheck,
    WageFinding,
    WageNotice,
)
from gonghui.rights.tests import permission_targets as m
from gonghui.rights.tests.matrix import (
    CASE_ACCEPTED,
    CASE_APPLIED,
    CASE_ASSIGNED,
    CASE_STATE,
    CONTRACT_FILED,
    CONTRACT_SIGNED,
    CONTRACT_STATE,
    FINDING_OPEN,
    NOTICE_DRAFT,
    NOTICE_ISSUED,
    NOTICE_STATE,
    OFFER_OPEN,
    OFFER_STATE,
)

API = "/api/v1/rights"
JSON = {"extract": json_text}


def _get(name, path, setup, marker=None, scoped=None):
    scoped = (marker is None) if scoped is None else scoped
    return Endpoint(
        f"rights.api.{name}",
        "GET",
        "rights",
        "view",
        path,
        setup,
        api=True,
        marker=marker,
        scoped=scoped,
        extra=JSON if marker else {},
    )


def _post(name, path, setup, data, snapshot, success=(200,)):
    return Endpoint(
        f"rights.api.{name}",
        "POST",
        "rights",
        "edit",
        path,
        setup,
        data=data,
        snapshot=snapshot,
        api=True,
        success=success,
    )


def _count(model, **match):
    return lambda target: model.objects.filter(**{k: v(target) for k, v in match.items()}).count()


def _named(model, field, value):
    return lambda target: model.objects.filter(**{field: value(target)}).count()


def _contract_payload(firm):
    return {
        "kind": "comprehensive",
        "title": f"{firm.name}接口合同",
        "enterprise_id": firm.pk,
        "union_party": "工会",
        "employer_party": firm.name,
        "workers_covered": 30,
        "start_on": m.days_ago(3).isoformat(),
        "end_on": m.days_ago(3).replace(year=m.days_ago(3).year + 2).isoformat(),
        "signed_on": m.days_ago(3).isoformat(),
        "congress_on": m.days_ago(5).isoformat(),
        "congress_total": 30,
        "congress_present": 25,
        "congress_for": 20,
    }


def _case_payload(firm):
    from gonghui.rights.tests.factories import valid_id_number

    return {
        "enterprise_id": firm.pk,
        "applicant_name": f"{firm.name}接口申请人",
        "id_number": valid_id_number(firm.pk % 900 + 50),
        "phone": "13912340000",
        "kind": "consultation",
        "facts": "咨询加班费",
        "employer_name": firm.name,
    }


def _inspection_payload(firm):
    from gonghui.rights.supervision.models import Supervisor

    supervisor = Supervisor.objects.filter(name="县接口监督员").first()
    return {
        "enterprise_id": firm.pk,
        "supervisor_ids": [supervisor.pk],
        "inspected_on": m.days_ago(1).isoformat(),
        "subject": f"{firm.name}接口检查",
        "result": "compliant",
    }


def _county_write(name, method, path, data, snapshot):
    """A change to the county's checklist or settings. Every role of the matrix sits at
    township A, where none may edit the county's: the write answers 404 for every role that
    holds rights.edit (403 without it) and changes nothing; test_api covers the county."""
    return Endpoint(
        f"rights.api.{name}",
        method,
        "rights",
        "edit",
        path,
        m.orgs,
        data=data,
        snapshot=snapshot,
        api=True,
        success=(404,),
        scoped=False,
    )


def _roster_orgs(tree, actor):
    """Lawyers are registered at a county or township union."""
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _unmasked(target):
    return AuditEvent.objects.filter(action="unmasked").count()


def _state(model, *fields):
    return lambda target: model.objects.filter(pk=target.pk).values(*fields).first()


def _firms_in_county_campaign(tree, actor):
    """Firms to check in one county campaign (carried out by every township)."""
    campaign = m.campaign_at(tree.county, "矩阵接口检查")
    made = m.firms(tree, actor)
    for firm in (made.own, made.sibling, made.parent):
        firm.matrix_campaign_id = campaign.pk
    return made


def _firms_with_supervisor(tree, actor):
    from gonghui.rights.supervision.services import supervisor_appoint

    supervisor_appoint(
        actor=None, org=tree.county, name="县接口监督员", appointed_on=m.days_ago(30)
    )
    return m.firms(tree, actor)


ENDPOINTS = [
    _get("employer_list", lambda f: f"{API}/employers", m.firms, marker=lambda f: f.name),
    _get("employer_file", lambda f: f"{API}/employers/{f.pk}", m.firms),
    _get("contract_list", lambda c: f"{API}/contracts", CONTRACT_SIGNED, marker=lambda c: c.title),
    _get("contract_detail", lambda c: f"{API}/contracts/{c.pk}", CONTRACT_SIGNED),
    _post(
        "contract_create",
        lambda f: f"{API}/contracts",
        m.firms,
        _contract_payload,
        _named(CollectiveContract, "title", lambda f: f"{f.name}接口合同"),
        success=(201,),
    ),
    _post(
        "contract_filing",
        lambda c: f"{API}/contracts/{c.pk}/filing",
        CONTRACT_SIGNED,
        lambda c: {"filed_on": m.today().isoformat(), "department": "县人社局"},
        CONTRACT_STATE,
    ),
    _post(
        "contract_review",
        lambda c: f"{API}/contracts/{c.pk}/review",
        CONTRACT_FILED,
        lambda c: {"result": "approved", "reviewed_on": m.today().isoformat()},
        CONTRACT_STATE,
    ),
    _post(
        "contract_version_add",
        lambda c: f"{API}/contracts/{c.pk}/versions",
        CONTRACT_SIGNED,
        lambda c: {"text": "第一条 修订", "note": "修订"},
        _count(ContractVersion, contract_id=lambda c: c.pk),
        success=(201,),
    ),
    Endpoint(
        "rights.api.contract_attachment_add",
        "POST",
        "rights",
        "edit",
        lambda c: f"{API}/contracts/{c.pk}/attachments",
        CONTRACT_SIGNED,
        data=lambda c: {"file": m.pdf_upload()},
        snapshot=_count(ContractAttachment, contract_id=lambda c: c.pk),
        api=True,
        success=(201,),
        extra={"multipart": True},
    ),
    _post(
        "contract_renewal",
        lambda c: f"{API}/contracts/{c.pk}/renewal",
        m.each(m.contract_in_force_expiring),
        lambda c: {"on": m.today().isoformat(), "subject": "续订"},
        CONTRACT_STATE,
    ),
    _post(
        "contract_termination",
        lambda c: f"{API}/contracts/{c.pk}/termination",
        CONTRACT_SIGNED,
        lambda c: {"on": m.today().isoformat(), "reason": "企业注销"},
        CONTRACT_STATE,
    ),
    _get("offer_list", lambda o: f"{API}/offers", OFFER_OPEN, marker=lambda o: o.enterprise.name),
    _get("offer_detail", lambda o: f"{API}/offers/{o.pk}", OFFER_OPEN),
    _post(
        "offer_create",
        lambda f: f"{API}/offers",
        m.firms,
        lambda f: {
            "enterprise_id": f.pk,
            "subject": "签订集体合同",
            "sent_on": m.today().isoformat(),
        },
        _count(BargainingOffer, enterprise_id=lambda f: f.pk),
        success=(201,),
    ),
    _post(
        "offer_reply",
        lambda o: f"{API}/offers/{o.pk}/reply",
        OFFER_OPEN,
        lambda o: {"replied_on": m.today().isoformat(), "reply": "accepted"},
        OFFER_STATE,
    ),
    _post(
        "offer_talks",
        lambda o: f"{API}/offers/{o.pk}/talks",
        m.each(m.offer_accepted),
        lambda o: {
            "held_on": m.today().isoformat(),
            "union_reps": 4,
            "employer_reps": 4,
            "minutes": "纪要",
        },
        _count(BargainingTalk, offer_id=lambda o: o.pk),
        success=(201,),
    ),
    _post(
        "offer_outcome",
        lambda o: f"{API}/offers/{o.pk}/outcome",
        OFFER_OPEN,
        lambda o: {"outcome": "escalated", "on": m.today().isoformat()},
        OFFER_STATE,
    ),
    _get("season_list", lambda s: f"{API}/seasons", m.county_season, scoped=False),
    _get(
        "season_progress", lambda s: f"{API}/seasons/{s.pk}/progress", m.county_season, scoped=False
    ),
    _post(
        "season_create",
        lambda org: f"{API}/seasons",
        m.orgs,
        lambda org: {
            "org_id": org.pk,
            "name": f"{org.name}接口行动",
            "kind": "spring",
            "year": m.today().year,
            "starts_on": m.today().isoformat(),
            "ends_on": m.today().isoformat(),
        },
        _named(OfferSeason, "name", lambda org: f"{org.name}接口行动"),
        success=(201,),
    ),
    _get(
        "season_targets",
        lambda s: f"{API}/seasons/{s.pk}/targets",
        m.county_season,
        scoped=False,
    ),
    _post(
        "season_target_offer",
        lambda t: f"{API}/seasons/{t.season_id}/targets/{t.pk}/offer",
        m.season_targets,
        lambda t: {},
        _state(SeasonTarget, "offer"),
        success=(201,),
    ),
    _post(
        "season_close",
        lambda s: f"{API}/seasons/{s.pk}/close",
        m.seasons_by_org,
        lambda s: {},
        _state(OfferSeason, "status"),
    ),
    _get("wagecheck_list", lambda w: f"{API}/wage-checks", m.county_campaign, scoped=False),
    _get("check_items", lambda t: f"{API}/check-items", m.orgs, scoped=False),
    _post(
        "wagecheck_create",
        lambda org: f"{API}/wage-checks",
        m.orgs,
        lambda org: {
            "org_id": org.pk,
            "name": f"{org.name}接口检查",
            "year": m.today().year,
            "starts_on": m.today().isoformat(),
            "ends_on": m.today().isoformat(),
            "focus": ["construction"],
        },
        _named(WageCheck, "name", lambda org: f"{org.name}接口检查"),
        success=(201,),
    ),
    _get(
        "wagecheck_detail",
        lambda w: f"{API}/wage-checks/{w.pk}",
        m.county_campaign,
        scoped=False,
    ),
    _post(
        "record_add",
        lambda f: f"{API}/wage-checks/{f.matrix_campaign_id}/records",
        _firms_in_county_campaign,
        lambda f: {
            "enterprise_id": f.pk,
            "checked_on": m.today().isoformat(),
            "inspectors": "张三",
            "results": {"on_time": "ok"},
        },
        _count(CheckRecord, enterprise_id=lambda f: f.pk),
        success=(201,),
    ),
    _post(
        "wagecheck_close",
        lambda w: f"{API}/wage-checks/{w.pk}/close",
        m.campaigns_by_org,
        lambda w: {},
        _state(WageCheck, "status"),
    ),
    _get("finding_list", lambda f: f"{API}/findings", FINDING_OPEN, marker=lambda f: f.description),
    _get("finding_detail", lambda f: f"{API}/findings/{f.pk}", FINDING_OPEN),
    _post(
        "finding_create",
        lambda f: f"{API}/findings",
        m.firms,
        lambda f: {
            "enterprise_id": f.pk,
            "description": "未按时支付工资",
            "found_on": m.today().isoformat(),
            "amount_owed": "3000",
        },
        _count(WageFinding, enterprise_id=lambda f: f.pk),
        success=(201,),
    ),
    _post(
        "finding_resolve",
        lambda f: f"{API}/findings/{f.pk}/resolve",
        FINDING_OPEN,
        lambda f: {"resolved_on": m.today().isoformat(), "amount_recovered": "3000"},
        lambda f: WageFinding.objects.filter(pk=f.pk).values("status", "resolved_on").first(),
    ),
    Endpoint(
        "rights.api.finding_photo_add",
        "POST",
        "rights",
        "edit",
        lambda f: f"{API}/findings/{f.pk}/photos",
        FINDING_OPEN,
        data=lambda f: {"image": m.png_upload()},
        snapshot=_count(FindingPhoto, finding_id=lambda f: f.pk),
        api=True,
        success=(201,),
        extra={"multipart": True},
    ),
    _post(
        "notice_draft",
        lambda f: f"{API}/findings/{f.pk}/notices",
        FINDING_OPEN,
        lambda f: {"step": "prompt"},
        _count(WageNotice, finding_id=lambda f: f.pk),
        success=(201,),
    ),
    _get(
        "notice_list",
        lambda n: f"{API}/notices",
        NOTICE_DRAFT,
        marker=lambda n: n.finding.enterprise.name,
    ),
    _get("notice_detail", lambda n: f"{API}/notices/{n.pk}", NOTICE_DRAFT),
    _get("notice_pdf", lambda n: f"{API}/notices/{n.pk}/pdf", NOTICE_DRAFT),
    Endpoint(
        "rights.api.notice_edit",
        "PUT",
        "rights",
        "edit",
        lambda n: f"{API}/notices/{n.pk}",
        NOTICE_DRAFT,
        data=lambda n: {"recipient": n.recipient, "body": "修改后的正文", "days": 10},
        snapshot=NOTICE_STATE,
        api=True,
    ),
    _get("notice_docx", lambda n: f"{API}/notices/{n.pk}/docx", NOTICE_DRAFT),
    _post(
        "notice_issue",
        lambda n: f"{API}/notices/{n.pk}/issue",
        NOTICE_DRAFT,
        lambda n: {"issued_on": m.today().isoformat()},
        NOTICE_STATE,
    ),
    _post(
        "notice_reply",
        lambda n: f"{API}/notices/{n.pk}/reply",
        NOTICE_ISSUED,
        lambda n: {"replied_on": m.today().isoformat(), "text": "已整改"},
        NOTICE_STATE,
    ),
    _get(
        "contract_attachment_list",
        lambda a: f"{API}/contracts/{a.contract_id}/attachments",
        m.each(m.contract_attachment),
    ),
    _get(
        "contract_attachment",
        lambda a: f"{API}/contracts/{a.contract_id}/attachments/{a.pk}",
        m.each(m.contract_attachment),
    ),
    _get("contract_version_list", lambda c: f"{API}/contracts/{c.pk}/versions", CONTRACT_SIGNED),
    _get("contract_version", lambda c: f"{API}/contracts/{c.pk}/versions/1", CONTRACT_SIGNED),
    _get(
        "finding_photo_list",
        lambda p: f"{API}/findings/{p.finding_id}/photos",
        m.each(m.finding_photo),
    ),
    _get(
        "finding_photo",
        lambda p: f"{API}/findings/{p.finding_id}/photos/{p.pk}",
        m.each(m.finding_photo),
    ),
    _county_write(
        "check_item_create",
        "POST",
        lambda t: f"{API}/check-items",
        lambda t: {"name": "矩阵检查事项"},
        lambda t: CheckItem.objects.filter(name="矩阵检查事项").count(),
    ),
    _county_write(
        "check_item_update",
        "PUT",
        lambda t: f"{API}/check-items/on_time",
        lambda t: {"name": "矩阵改名", "is_active": False},
        lambda t: CheckItem.objects.filter(name="矩阵改名").count(),
    ),
    _get("notice_settings", lambda t: f"{API}/notice-settings", m.orgs, scoped=False),
    _county_write(
        "notice_settings_update",
        "PUT",
        lambda t: f"{API}/notice-settings",
        lambda t: {
            "letterhead": "矩阵县总工会",
            "prompt_days": 10,
            "opinion_days": 10,
            "labour_bureau": "县人社局",
        },
        lambda t: NoticeSettings.objects.count(),
    ),
    _get("case_list", lambda c: f"{API}/legal-aid", CASE_APPLIED, marker=lambda c: c.number),
    _get("case_detail", lambda c: f"{API}/legal-aid/{c.pk}", CASE_APPLIED),
    _post(
        "case_create",
        lambda f: f"{API}/legal-aid",
        m.firms,
        _case_payload,
        _count(LegalAidCase, enterprise_id=lambda f: f.pk),
        success=(201,),
    ),
    _post(
        "case_decision",
        lambda c: f"{API}/legal-aid/{c.pk}/decision",
        CASE_APPLIED,
        lambda c: {"accept": True, "on": m.today().isoformat()},
        CASE_STATE,
    ),
    _post(
        "case_assignment",
        lambda c: f"{API}/legal-aid/{c.pk}/assignment",
        CASE_ACCEPTED,
        lambda c: {"on": m.today().isoformat(), "lawyer_id": c.matrix_lawyer_id},
        CASE_STATE,
    ),
    _post(
        "case_notes",
        lambda c: f"{API}/legal-aid/{c.pk}/notes",
        CASE_ACCEPTED,
        lambda c: {"noted_on": m.today().isoformat(), "text": "面谈"},
        _count(CaseNote, case_id=lambda c: c.pk),
        success=(201,),
    ),
    _post(
        "case_closure",
        lambda c: f"{API}/legal-aid/{c.pk}/closure",
        CASE_ASSIGNED,
        lambda c: {"closed_on": m.today().isoformat(), "outcome": "settled"},
        CASE_STATE,
    ),
    Endpoint(
        "rights.api.case_unmask",
        "POST",
        "rights",
        "view_sensitive",
        lambda c: f"{API}/legal-aid/{c.pk}/unmask",
        CASE_APPLIED,
        data=lambda c: {"reason": "联系申请人"},
        snapshot=_unmasked,
        api=True,
    ),
    _get("case_note_list", lambda c: f"{API}/legal-aid/{c.pk}/notes", CASE_APPLIED),
    _get(
        "case_attachment_list",
        lambda a: f"{API}/legal-aid/{a.case_id}/attachments",
        m.each(m.case_attachment),
    ),
    Endpoint(
        "rights.api.case_attachment_add",
        "POST",
        "rights",
        "edit",
        lambda c: f"{API}/legal-aid/{c.pk}/attachments",
        CASE_APPLIED,
        data=lambda c: {"file": m.pdf_upload("证明.pdf")},
        snapshot=_count(CaseAttachment, case_id=lambda c: c.pk),
        api=True,
        success=(201,),
        extra={"multipart": True},
    ),
    # Downloads are audited: a refused one leaves no trace.
    Endpoint(
        "rights.api.case_attachment",
        "GET",
        "rights",
        "view",
        lambda a: f"{API}/legal-aid/{a.case_id}/attachments/{a.pk}",
        m.each(m.case_attachment),
        snapshot=_unmasked,
        api=True,
    ),
    _get("legal_aid_settings", lambda t: f"{API}/legal-aid-settings", m.orgs, scoped=False),
    _county_write(
        "legal_aid_settings_update",
        "PUT",
        lambda t: f"{API}/legal-aid-settings",
        lambda t: {"income_proof_required": True, "deadline_working_days": 20},
        lambda t: LegalAidSettings.objects.count(),
    ),
    _get(
        "inspection_list",
        lambda i: f"{API}/inspections",
        m.each(m.inspection),
        marker=lambda i: i.subject,
    ),
    _post(
        "inspection_create",
        lambda f: f"{API}/inspections",
        _firms_with_supervisor,
        _inspection_payload,
        _count(Inspection, enterprise_id=lambda f: f.pk),
        success=(201,),
    ),
    _get("inspection_detail", lambda i: f"{API}/inspections/{i.pk}", m.each(m.inspection)),
    _get("supervisor_list", lambda s: f"{API}/supervisors", m.supervisors, marker=lambda s: s.name),
    _post(
        "supervisor_create",
        lambda org: f"{API}/supervisors",
        m.orgs,
        lambda org: {
            "org_id": org.pk,
            "name": f"{org.name[:20]}接口监督员",
            "appointed_on": m.today().isoformat(),
        },
        _named(Supervisor, "name", lambda org: f"{org.name[:20]}接口监督员"),
        success=(201,),
    ),
    _get("lawyer_list", lambda lw: f"{API}/lawyers", m.lawyers, marker=lambda lw: lw.name),
    _post(
        "lawyer_create",
        lambda org: f"{API}/lawyers",
        _roster_orgs,
        lambda org: {"org_id": org.pk, "name": f"{org.name[:20]}接口律师", "firm": "某律所"},
        _named(AidLawyer, "name", lambda org: f"{org.name[:20]}接口律师"),
        success=(201,),
    ),
    _get(
        "reminder_list",
        lambda r: f"{API}/reminders",
        m.each(m.reminder),
        marker=lambda r: f'"offer_id": {r.offer_id},',
    ),
    _post(
        "reminder_close",
        lambda r: f"{API}/reminders/{r.pk}/close",
        m.each(m.reminder),
        lambda r: {"note": "已电话催告"},
        _state(Reminder, "status", "closed_note"),
    ),
    Endpoint(
        "rights.api.reminder_run",
        "POST",
        "rights",
        "edit",
        lambda t: f"{API}/reminders/run",
        m.orgs,
        data=lambda t: {},
        snapshot=lambda t: ReminderRun.objects.count(),
        api=True,
        success=(404,),  # county staff only (see matrix.py); test_views covers the county
        scoped=False,
    ),
    _get("stats", lambda t: f"{API}/stats", m.orgs, scoped=False),
]
