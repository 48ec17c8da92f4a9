"""Permission-matrix entries for every rights page (see gonghui/core/testing/matrix.py).

Seasons and wage-check campaigns are opened by the county and worked down by its townships:
their pages open for every user whose scope lies under (or over) them, so those entries use
one county record (`scoped=False`); gonghui/rights/tests/test_scope.py checks that a
sibling township's season or campaign answers 404.
"""

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, xlsx_text
from gonghui.rights.models import (
    BargainingOffer,
    BargainingTalk,
    CaseAttachment,
    CaseNote,
    CheckItem,
    CollectiveContract,
    ContractAttachment,
    ContractVersion,
    FindingPhoto,
    LegalAidCase,
    OfferSeason,
    Reminder,
    SeasonTarget,
    WageFinding,
    WageNotice,
)
from gonghui.rights.tests import permission_targets as m


def _state(model, *fields):
    def snapshot(target):
        return model.objects.filter(pk=target.pk).values(*fields).first()

    return snapshot


def _count(model, **match):
    return lambda target: model.objects.filter(**{k: v(target) for k, v in match.items()}).count()


def _page(name, path, setup, action="view", marker=None, scoped=None, extra=None):
    """A page; a list (one with a marker) is the same URL for every relation: unscoped."""
    scoped = (marker is None) if scoped is None else scoped
    return Endpoint(
        f"rights.{name}",
        "GET",
        "rights",
        action,
        path,
        setup,
        marker=marker,
        scoped=scoped,
        extra=extra or {},
    )


def _post(name, path, setup, data, snapshot, action="edit", success=(302,), scoped=True):
    return Endpoint(
        f"rights.{name}",
        "POST",
        "rights",
        action,
        path,
        setup,
        data=data,
        snapshot=snapshot,
        success=success,
        scoped=scoped,
    )


def _county_items(tree, actor):
    from gonghui.rights.wagechecks.services import items_ensure

    item = items_ensure(tree.county)[0]
    return Targets(own=item, sibling=item, parent=item)


CONTRACT_SIGNED = m.each(m.contract_signed)
CONTRACT_FILED = m.each(m.contract_filed)
OFFER_OPEN = m.each(m.offer_open)
FINDING_OPEN = m.each(m.finding_open)
NOTICE_DRAFT = m.each(m.notice_draft)
NOTICE_ISSUED = m.each(m.notice_issued)
CASE_APPLIED = m.each(m.case_applied)
CASE_ACCEPTED = m.each(m.case_accepted)
CASE_ASSIGNED = m.each(m.case_assigned)
CONTRACT_STATE = _state(
    CollectiveContract,
    "status",
    "filed_on",
    "review_result",
    "version",
    "renewal_requested_on",
    "terminated_on",
)
OFFER_STATE = _state(BargainingOffer, "replied_on", "outcome", "version")
CASE_STATE = _state(LegalAidCase, "status", "assigned_lawyer", "closed_on", "version")
NOTICE_STATE = _state(WageNotice, "status", "issued_on", "replied_on", "body")

ENDPOINTS = [
    # --- employers' rights files
    _page("employer_list", lambda f: "/rights/employers/", m.firms, marker=lambda f: f.name),
    _page("employer_file", lambda f: f"/rights/employers/{f.pk}/", m.firms),
    # --- contracts
    _page(
        "contract_list", lambda c: "/rights/contracts/", CONTRACT_SIGNED, marker=lambda c: c.title
    ),
    _page("contract_detail", lambda c: f"/rights/contracts/{c.pk}/", CONTRACT_SIGNED),
    _page(
        "contract_create_form",
        lambda t: "/rights/contracts/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    _page("contract_version", lambda c: f"/rights/contracts/{c.pk}/versions/1/", CONTRACT_SIGNED),
    _page(
        "contract_attachment",
        lambda a: f"/rights/contracts/{a.contract_id}/attachments/{a.pk}/",
        m.each(m.contract_attachment),
    ),
    _post(
        "contract_file",
        lambda c: f"/rights/contracts/{c.pk}/file/",
        CONTRACT_SIGNED,
        lambda c: {
            "filed_on": m.today().isoformat(),
            "department": "县人社局",
            "version": c.version,
        },
        CONTRACT_STATE,
    ),
    _post(
        "contract_review",
        lambda c: f"/rights/contracts/{c.pk}/review/",
        CONTRACT_FILED,
        lambda c: {
            "result": "approved",
            "reviewed_on": m.today().isoformat(),
            "version": c.version,
        },
        CONTRACT_STATE,
    ),
    _post(
        "contract_version_add",
        lambda c: f"/rights/contracts/{c.pk}/versions/new/",
        CONTRACT_SIGNED,
        lambda c: {"text": "第一条 修订", "note": "修订"},
        _count(ContractVersion, contract_id=lambda c: c.pk),
    ),
    _post(
        "contract_attachment_add",
        lambda c: f"/rights/contracts/{c.pk}/attachments/",
        CONTRACT_SIGNED,
        lambda c: {"file": m.pdf_upload()},
        _count(ContractAttachment, contract_id=lambda c: c.pk),
    ),
    _post(
        "contract_renewal",
        lambda c: f"/rights/contracts/{c.pk}/renewal/",
        m.each(m.contract_in_force_expiring),
        lambda c: {"on": m.today().isoformat(), "subject": "续订"},
        CONTRACT_STATE,
    ),
    _post(
        "contract_terminate",
        lambda c: f"/rights/contracts/{c.pk}/terminate/",
        CONTRACT_SIGNED,
        lambda c: {"on": m.today().isoformat(), "reason": "企业注销"},
        CONTRACT_STATE,
    ),
    # --- offers
    _page(
        "offer_list", lambda o: "/rights/offers/", OFFER_OPEN, marker=lambda o: o.enterprise.name
    ),
    _page("offer_detail", lambda o: f"/rights/offers/{o.pk}/", OFFER_OPEN),
    _page(
        "offer_create_form", lambda t: "/rights/offers/new/", m.orgs, action="edit", scoped=False
    ),
    _post(
        "offer_reply",
        lambda o: f"/rights/offers/{o.pk}/reply/",
        OFFER_OPEN,
        lambda o: {"replied_on": m.today().isoformat(), "reply": "accepted", "version": o.version},
        OFFER_STATE,
    ),
    _post(
        "offer_talk",
        lambda o: f"/rights/offers/{o.pk}/talks/",
        m.each(m.offer_accepted),
        lambda o: {
            "held_on": m.today().isoformat(),
            "union_reps": 3,
            "employer_reps": 3,
            "minutes": "纪要",
        },
        _count(BargainingTalk, offer_id=lambda o: o.pk),
    ),
    _post(
        "offer_outcome",
        lambda o: f"/rights/offers/{o.pk}/outcome/",
        OFFER_OPEN,
        lambda o: {"outcome": "refused", "on": m.today().isoformat(), "version": o.version},
        OFFER_STATE,
    ),
    # --- seasons
    _page("season_list", lambda s: "/rights/seasons/", m.county_season, scoped=False),
    _page(
        "season_create_form", lambda t: "/rights/seasons/new/", m.orgs, action="edit", scoped=False
    ),
    _page("season_detail", lambda s: f"/rights/seasons/{s.pk}/", m.county_season, scoped=False),
    _page(
        "season_targets",
        lambda s: f"/rights/seasons/{s.pk}/targets/",
        m.county_season,
        scoped=False,
    ),
    _post(
        "season_target_offer",
        lambda t: f"/rights/seasons/{t.season_id}/targets/{t.pk}/offer/",
        m.season_targets,
        lambda t: {},
        _state(SeasonTarget, "offer"),
    ),
    _post(
        "season_close",
        lambda s: f"/rights/seasons/{s.pk}/close/",
        m.seasons_by_org,
        lambda s: {},
        _state(OfferSeason, "status"),
    ),
    # --- wage checks, findings, 一函两书
    _page("wagecheck_list", lambda w: "/rights/wage-checks/", m.county_campaign, scoped=False),
    _page(
        "wagecheck_create_form",
        lambda t: "/rights/wage-checks/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    _page("checklist", lambda t: "/rights/wage-checks/checklist/", m.orgs, scoped=False),
    # Every role sits at township A, where none may edit the county's checklist: the form
    # answers 404 for every holder of rights.edit; test_views covers the county.
    Endpoint(
        "rights.check_item_edit_form",
        "GET",
        "rights",
        "edit",
        lambda i: f"/rights/wage-checks/checklist/{i.pk}/",
        _county_items,
        success=(404,),
        scoped=False,
    ),
    _post(
        "check_item_edit",
        lambda i: f"/rights/wage-checks/checklist/{i.pk}/",
        _county_items,
        lambda i: {"name": "矩阵改名", "scope": "all", "order": 1},
        _state(CheckItem, "name", "is_active"),
        success=(404,),
        scoped=False,
    ),
    _page(
        "wagecheck_detail",
        lambda w: f"/rights/wage-checks/{w.pk}/",
        m.county_campaign,
        scoped=False,
    ),
    _page(
        "record_add_form",
        lambda w: f"/rights/wage-checks/{w.pk}/records/new/",
        m.county_campaign,
        action="edit",
        scoped=False,
    ),
    _post(
        "wagecheck_close",
        lambda w: f"/rights/wage-checks/{w.pk}/close/",
        m.campaigns_by_org,
        lambda w: {},
        lambda w: type(w).objects.get(pk=w.pk).status,
    ),
    _page("record_detail", lambda r: f"/rights/check-records/{r.pk}/", m.each(m.check_record)),
    _page(
        "finding_list",
        lambda f: "/rights/findings/",
        FINDING_OPEN,
        marker=lambda f: f.enterprise.name,
    ),
    _page(
        "finding_create_form",
        lambda t: "/rights/findings/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    _page("finding_detail", lambda f: f"/rights/findings/{f.pk}/", FINDING_OPEN),
    _post(
        "finding_resolve",
        lambda f: f"/rights/findings/{f.pk}/resolve/",
        FINDING_OPEN,
        lambda f: {"resolved_on": m.today().isoformat(), "amount_recovered": "100"},
        _state(WageFinding, "status", "resolved_on"),
    ),
    _post(
        "finding_photo_add",
        lambda f: f"/rights/findings/{f.pk}/photos/",
        FINDING_OPEN,
        lambda f: {"image": m.png_upload()},
        _count(FindingPhoto, finding_id=lambda f: f.pk),
    ),
    _page(
        "finding_photo",
        lambda p: f"/rights/findings/{p.finding_id}/photos/{p.pk}/",
        m.each(m.finding_photo),
    ),
    _post(
        "notice_draft",
        lambda f: f"/rights/findings/{f.pk}/notices/prompt/",
        FINDING_OPEN,
        lambda f: {},
        _count(WageNotice, finding_id=lambda f: f.pk),
    ),
    _page(
        "notice_list",
        lambda n: "/rights/notices/",
        NOTICE_DRAFT,
        marker=lambda n: n.finding.enterprise.name,
    ),
    _page("notice_settings", lambda t: "/rights/notices/settings/", m.orgs, scoped=False),
    _page("notice_detail", lambda n: f"/rights/notices/{n.pk}/", NOTICE_DRAFT),
    _post(
        "notice_edit",
        lambda n: f"/rights/notices/{n.pk}/",
        NOTICE_DRAFT,
        lambda n: {
            "recipient": n.recipient,
            "body": "修改后的正文",
            "days": 10,
            "version": n.version,
        },
        NOTICE_STATE,
    ),
    _page("notice_print", lambda n: f"/rights/notices/{n.pk}/print/", NOTICE_DRAFT),
    _page("notice_pdf", lambda n: f"/rights/notices/{n.pk}/pdf/", NOTICE_DRAFT),
    _page("notice_docx", lambda n: f"/rights/notices/{n.pk}/docx/", NOTICE_DRAFT),
    _post(
        "notice_issue",
        lambda n: f"/rights/notices/{n.pk}/issue/",
        NOTICE_DRAFT,
        lambda n: {"issued_on": m.today().isoformat(), "number": "测工函1号"},
        NOTICE_STATE,
    ),
    _post(
        "notice_reply",
        lambda n: f"/rights/notices/{n.pk}/reply/",
        NOTICE_ISSUED,
        lambda n: {"replied_on": m.today().isoformat(), "text": "已整改"},
        NOTICE_STATE,
    ),
    # --- legal aid
    _page("case_list", lambda c: "/rights/legal-aid/", CASE_APPLIED, marker=lambda c: c.number),
    _page(
        "case_create_form", lambda t: "/rights/legal-aid/new/", m.orgs, action="edit", scoped=False
    ),
    _page("legal_aid_settings", lambda t: "/rights/legal-aid/settings/", m.orgs, scoped=False),
    _page("case_detail", lambda c: f"/rights/legal-aid/{c.pk}/", CASE_APPLIED),
    _post(
        "case_unmask",
        lambda c: f"/rights/legal-aid/{c.pk}/unmask/",
        CASE_APPLIED,
        lambda c: {"reason": "联系申请人"},
        lambda c: AuditEvent.objects.filter(action="unmasked").count(),
        action="view_sensitive",
        success=(200,),
    ),
    _post(
        "case_decide",
        lambda c: f"/rights/legal-aid/{c.pk}/decide/",
        CASE_APPLIED,
        lambda c: {"accept": "1", "on": m.today().isoformat(), "version": c.version},
        CASE_STATE,
    ),
    _post(
        "case_assign",
        lambda c: f"/rights/legal-aid/{c.pk}/assign/",
        CASE_ACCEPTED,
        lambda c: {
            "assignee": f"lawyer:{c.matrix_lawyer_id}",
            "on": m.today().isoformat(),
            "version": c.version,
        },
        CASE_STATE,
    ),
    _post(
        "case_note",
        lambda c: f"/rights/legal-aid/{c.pk}/notes/",
        CASE_ACCEPTED,
        lambda c: {"noted_on": m.today().isoformat(), "text": "电话联系"},
        _count(CaseNote, case_id=lambda c: c.pk),
    ),
    _post(
        "case_close",
        lambda c: f"/rights/legal-aid/{c.pk}/close/",
        CASE_ASSIGNED,
        lambda c: {
            "outcome": "mediated",
            "closed_on": m.today().isoformat(),
            "amount_recovered": "0",
            "version": c.version,
        },
        CASE_STATE,
    ),
    _post(
        "case_attachment_add",
        lambda c: f"/rights/legal-aid/{c.pk}/attachments/",
        CASE_APPLIED,
        lambda c: {"file": m.pdf_upload()},
        _count(CaseAttachment, case_id=lambda c: c.pk),
    ),
    _page(
        "case_attachment",
        lambda a: f"/rights/legal-aid/{a.case_id}/attachments/{a.pk}/",
        m.each(m.case_attachment),
    ),
    _page(
        "lawyer_list", lambda lw: "/rights/legal-aid/lawyers/", m.lawyers, marker=lambda lw: lw.name
    ),
    _page(
        "lawyer_create_form",
        lambda t: "/rights/legal-aid/lawyers/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    # --- supervision
    _page(
        "inspection_list",
        lambda i: "/rights/supervision/",
        m.each(m.inspection),
        marker=lambda i: i.subject,
    ),
    _page(
        "inspection_create_form",
        lambda t: "/rights/supervision/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    _page("inspection_detail", lambda i: f"/rights/supervision/{i.pk}/", m.each(m.inspection)),
    _page(
        "supervisor_list",
        lambda s: "/rights/supervision/supervisors/",
        m.supervisors,
        marker=lambda s: s.name,
    ),
    _page(
        "supervisor_create_form",
        lambda t: "/rights/supervision/supervisors/new/",
        m.orgs,
        action="edit",
        scoped=False,
    ),
    # --- reminders and statistics
    _page(
        "reminder_list",
        lambda r: "/rights/reminders/",
        m.each(m.reminder),
        marker=lambda r: r.enterprise.name,
    ),
    _post(
        "reminder_close",
        lambda r: f"/rights/reminders/{r.pk}/close/",
        m.each(m.reminder),
        lambda r: {"note": "已电话催告"},
        _state(Reminder, "status", "closed_note"),
    ),
    # An installation-wide run: only for staff whose edit scope covers their county; every
    # matrix role sits at township A, so holders of rights.edit get 404 (test_views: the county).
    _post(
        "reminder_run",
        lambda t: "/rights/reminders/run/",
        m.orgs,
        lambda t: {},
        None,
        success=(404,),
        scoped=False,
    ),
    _page("stats", lambda t: "/rights/stats/", m.orgs, scoped=False),
    _page(
        "stats_export",
        lambda t: "/rights/stats/export/",
        m.orgs,
        action="export",
        scoped=False,
        extra={"extract": xlsx_text},
    ),
]
