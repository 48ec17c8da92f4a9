"""Targets of the rights permission matrix (see gonghui/core/testing/matrix.py): for each kind
of record one in township A's subtree (own), one in B's (sibling), one at the county (parent),
in the state the endpoint acts on. Dates are relative to today (services refuse the future)."""

import datetime
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from gonghui.core.testing.matrix import Targets
from gonghui.rights.tests import factories
from gonghui.testing.fixtures import build_enterprise

_n = itertools.count(1)


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def pdf_upload(name: str = "合同.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")


def png_upload(name: str = "现场.png") -> SimpleUploadedFile:
    from gonghui.sites.tests.images import png_upload as make

    return make(name)


def firms(tree, actor=None) -> Targets:
    n = next(_n)
    return Targets(
        own=factories.union_enterprise(parent=tree.a, name=f"矩阵甲{n}"),
        sibling=factories.union_enterprise(parent=tree.b, name=f"矩阵乙{n}"),
        parent=build_enterprise(org=tree.county, has_union=True, name=f"矩阵县直{n}有限公司"),
    )


def each(make):
    """A setup making one record per firm with `make(firm, tree)`."""

    def setup(tree, actor):
        made = firms(tree, actor)
        return Targets(*(make(firm, tree) for firm in (made.own, made.sibling, made.parent)))

    return setup


def orgs(tree, actor) -> Targets:
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


# --- records in the states endpoints act on ---------------------------------------------------


def contract_signed(firm, tree):
    return factories.contract(firm, signed_on=days_ago(3), start_on=days_ago(3), text="第一条 总则")


def contract_filed(firm, tree):
    return factories.contract(
        firm, signed_on=days_ago(4), start_on=days_ago(4), filed_on=days_ago(2)
    )


def contract_in_force_expiring(firm, tree):
    """In force, expiring within 3 months: renewal may be asked today."""
    from gonghui.rights.shared import add_years

    end = today() + datetime.timedelta(days=40)
    start = add_years(end, -2) + datetime.timedelta(days=1)
    return factories.contract(
        firm, signed_on=start, start_on=start, years=2, filed_on=start + datetime.timedelta(days=2)
    )


def contract_attachment(firm, tree):
    from gonghui.rights.contracts.services import contract_attachment_add

    return contract_attachment_add(
        actor=None, contract=contract_signed(firm, tree), upload=pdf_upload()
    )


def offer_open(firm, tree):
    return factories.offer(firm, sent_on=days_ago(3))


def offer_accepted(firm, tree):
    from gonghui.rights.bargaining.services import offer_reply_record

    offer = offer_open(firm, tree)
    return offer_reply_record(actor=None, offer=offer, replied_on=days_ago(1), reply="accepted")


def season_at(org, name):
    from gonghui.rights.bargaining.services import season_open

    return season_open(
        actor=None,
        org=org,
        name=f"{name}{next(_n)}",
        kind="spring",
        year=today().year,
        starts_on=days_ago(10),
        ends_on=today() + datetime.timedelta(days=30),
    )


def county_season(tree, actor) -> Targets:
    """Seasons are opened by the county and worked down by townships: one county season."""
    firms(tree, actor)
    season = season_at(tree.county, "矩阵要约行动")
    return Targets(own=season, sibling=season, parent=season)


def season_targets(tree, actor) -> Targets:
    from gonghui.rights.bargaining.models import SeasonTarget

    made = firms(tree, actor)
    season = season_at(tree.county, "矩阵要约行动")
    by_firm = {t.enterprise_id: t for t in SeasonTarget.objects.filter(season=season)}
    return Targets(*(by_firm[f.pk] for f in (made.own, made.sibling, made.parent)))


def seasons_by_org(tree, actor) -> Targets:
    return Targets(
        own=season_at(tree.a, "甲镇行动"),
        sibling=season_at(tree.b, "乙镇行动"),
        parent=season_at(tree.county, "县行动"),
    )


def campaign_at(org, name):
    from gonghui.rights.wagechecks.services import wagecheck_create

    return wagecheck_create(
        actor=None,
        org=org,
        name=f"{name}{next(_n)}",
        year=today().year,
        starts_on=days_ago(20),
        ends_on=today() + datetime.timedelta(days=20),
    )


def county_campaign(tree, actor) -> Targets:
    campaign = campaign_at(tree.county, "矩阵工资检查")
    return Targets(own=campaign, sibling=campaign, parent=campaign)


def campaigns_by_org(tree, actor) -> Targets:
    return Targets(
        own=campaign_at(tree.a, "甲镇检查"),
        sibling=campaign_at(tree.b, "乙镇检查"),
        parent=campaign_at(tree.county, "县检查"),
    )


def check_record(firm, tree):
    from gonghui.rights.wagechecks.services import record_add

    campaign = campaign_at(tree.county, "矩阵工资检查")
    return record_add(
        actor=None,
        campaign=campaign,
        enterprise=firm,
        checked_on=days_ago(5),
        inspectors="张三",
        results={"on_time": "fail"},
    )


def finding_open(firm, tree):
    return factories.finding(firm, found_on=days_ago(5), description=f"{firm.name}拖欠工资")


def finding_photo(firm, tree):
    from gonghui.rights.wagechecks.services import finding_photo_add

    return finding_photo_add(actor=None, finding=finding_open(firm, tree), upload=png_upload())


def notice_draft(firm, tree):
    from gonghui.rights.wagechecks.services import notice_draft as draft

    return draft(actor=None, finding=finding_open(firm, tree), step="prompt")


def notice_issued(firm, tree):
    from gonghui.rights.wagechecks.services import notice_issue

    return notice_issue(actor=None, notice=notice_draft(firm, tree), issued_on=days_ago(4))


def case_applied(firm, tree):
    return factories.case(
        firm.org, enterprise=firm, applied_on=days_ago(5), applicant_name=f"{firm.name}职工"
    )


def case_accepted(firm, tree):
    from gonghui.rights.legalaid.services import case_decide

    case = case_decide(actor=None, case=case_applied(firm, tree), accept=True, on=days_ago(4))
    case.matrix_lawyer_id = county_lawyer(tree).pk  # the lawyer a form posts
    return case


def county_lawyer(tree):
    from gonghui.rights.legalaid.models import AidLawyer

    return AidLawyer.objects.get_or_create(
        org=tree.county, name="县援助律师", defaults={"firm": "县律所"}
    )[0]


def case_assigned(firm, tree):
    from gonghui.rights.legalaid.services import case_assign

    return case_assign(
        actor=None, case=case_accepted(firm, tree), on=days_ago(3), lawyer=county_lawyer(tree)
    )


def case_attachment(firm, tree):
    from gonghui.rights.legalaid.services import case_attachment_add

    return case_attachment_add(
        actor=None, case=case_applied(firm, tree), upload=pdf_upload("证据.pdf")
    )


def lawyers(tree, actor) -> Targets:
    from gonghui.rights.legalaid.models import AidLawyer

    return Targets(
        *(
            AidLawyer.objects.create(org=org, name=f"{label}律师{next(_n)}", firm="某所")
            for org, label in ((tree.a, "甲"), (tree.b, "乙"), (tree.county, "县"))
        )
    )


def supervisors(tree, actor) -> Targets:
    from gonghui.rights.supervision.services import supervisor_appoint

    return Targets(
        *(
            supervisor_appoint(
                actor=None, org=org, name=f"{label}监督员{next(_n)}", appointed_on=days_ago(30)
            )
            for org, label in ((tree.a, "甲"), (tree.b, "乙"), (tree.county, "县"))
        )
    )


def inspection(firm, tree):
    from gonghui.rights.supervision.services import inspection_record, supervisor_appoint

    supervisor = supervisor_appoint(
        actor=None, org=tree.county, name=f"县监督员{next(_n)}", appointed_on=days_ago(30)
    )
    return inspection_record(
        actor=None,
        enterprise=firm,
        supervisors=[supervisor],
        inspected_on=days_ago(2),
        subject=f"{firm.name}检查",
        result="issues",
    )


def reminder(firm, tree):
    from gonghui.rights.reminders.models import Reminder, ReminderKind

    offer = factories.offer(firm, sent_on=days_ago(30))
    return Reminder.objects.create(
        org=offer.org,
        kind=ReminderKind.REPLY_OVERDUE,
        enterprise=firm,
        offer=offer,
        due_on=offer.reply_due,
        opened_on=today(),
        deadline=today() + datetime.timedelta(days=5),
    )


def state(model, **fields):
    """target → its row's values (or None when gone), for write snapshots."""

    def snapshot(target):
        row = model.objects.filter(pk=target.pk).values(*fields.get("only", ())).first()
        return row

    return snapshot
