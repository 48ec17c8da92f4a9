"""The daily reminder run: every clock at its boundary, assignment in scope with working-day
deadlines, set-based (a fixed number of queries however many targets), idempotent (a re-run
opens nothing), answered clocks closed; the to-dos on the home page."""

from datetime import date as D
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.rights.bargaining.services import offer_reply_record
from gonghui.rights.reminders.models import Reminder, ReminderKind, ReminderStatus
from gonghui.rights.reminders.services import reminders_run
from gonghui.rights.tests import factories
from gonghui.rights.wagechecks.models import NoticeStep
from gonghui.rights.wagechecks.services import notice_draft, notice_issue

pytestmark = pytest.mark.django_db


def _kinds(run_on):
    reminders_run(on=run_on)
    return sorted(Reminder.objects.values_list("kind", flat=True))


def test_a_reply_is_overdue_the_day_after_its_twentieth_day(employer_a):
    offer = factories.offer(employer_a, sent_on=D(2026, 3, 3))  # day 20: Monday 23 March
    assert reminders_run(on=D(2026, 3, 23)).opened == 0
    run = reminders_run(on=D(2026, 3, 24))
    assert run.counts == {ReminderKind.REPLY_OVERDUE: 1}
    reminder = Reminder.objects.get()
    assert (reminder.offer, reminder.due_on, reminder.enterprise) == (
        offer,
        D(2026, 3, 23),
        employer_a,
    )
    assert reminder.deadline == D(2026, 3, 31)  # 5 working days


def test_a_contract_is_flagged_three_months_before_expiry(employer_a):
    contract = factories.contract(
        employer_a, signed_on=D(2023, 7, 1), years=3, filed_on=D(2023, 7, 3)
    )
    assert contract.end_on == D(2026, 6, 30)
    assert reminders_run(on=D(2026, 3, 29)).opened == 0  # 3 months before is 30 March
    assert reminders_run(on=D(2026, 3, 30)).counts == {ReminderKind.CONTRACT_EXPIRING: 1}


def test_filing_notice_and_case_clocks(tree, employer_a, employer_b, on_day):
    on_day(D(2026, 12, 7))
    factories.contract(
        employer_a, signed_on=D(2026, 2, 5), start_on=D(2026, 2, 5)
    )  # file by 24 Feb
    assert reminders_run(on=D(2026, 2, 24)).opened == 0
    assert reminders_run(on=D(2026, 2, 25)).counts == {ReminderKind.FILING_OVERDUE: 1}
    finding = factories.finding(employer_b, found_on=D(2026, 9, 1))
    prompt = notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)
    notice_issue(
        actor=None, notice=prompt, issued_on=D(2026, 9, 11)
    )  # 15 days → 26th Sat → 28 Sep (Mid-Autumn 25–27)
    prompt.refresh_from_db()
    assert prompt.deadline == D(2026, 9, 28)
    assert reminders_run(on=D(2026, 9, 28)).counts.get(ReminderKind.NOTICE_DUE) is None
    assert reminders_run(on=D(2026, 9, 29)).counts.get(ReminderKind.NOTICE_DUE) == 1


def test_reminders_go_to_someone_whose_scope_covers_them(tree, users, employer_a, employer_b):
    factories.offer(employer_a, sent_on=D(2026, 3, 3))
    factories.offer(employer_b, sent_on=D(2026, 3, 3))
    reminders_run(on=D(2026, 4, 1))
    by_firm = {r.enterprise_id: r.assigned_to for r in Reminder.objects.all()}
    # township A's nearest editors: the township staff and the social worker at A
    assert by_firm[employer_a.pk] in (users.township_staff, users.social_worker)
    # township B has no staff of its own: the county's editors take it
    assert by_firm[employer_b.pk] in (users.county_admin, users.county_staff)


def test_the_run_is_set_based_and_a_rerun_opens_nothing(tree, users, on_day):
    on_day(D(2026, 12, 7))

    def seed(n):
        for _ in range(n):
            firm = factories.union_enterprise(parent=tree.a)
            factories.offer(firm, sent_on=D(2026, 3, 3))
            factories.contract(firm, signed_on=D(2023, 5, 1), years=3, filed_on=D(2023, 5, 4))
            factories.finding(firm, found_on=D(2026, 3, 1), amount=Decimal(100))

    seed(2)
    with CaptureQueriesContext(connection) as small:
        first = reminders_run(on=D(2026, 4, 1))
    seed(8)
    with CaptureQueriesContext(connection) as large:
        second = reminders_run(on=D(2026, 4, 1))
    assert (first.opened, second.opened) == (4, 16)
    assert len(large.captured_queries) == len(small.captured_queries)
    stamps = list(Reminder.objects.order_by("pk").values_list("pk", "updated_at", "run"))
    with CaptureQueriesContext(connection) as again:
        rerun = reminders_run(on=D(2026, 4, 1))
    assert rerun.opened == 0 and rerun.counts == {}
    assert len(again.captured_queries) <= len(large.captured_queries)
    # nothing new: no reminder row written or touched
    assert list(Reminder.objects.order_by("pk").values_list("pk", "updated_at", "run")) == stamps


def test_reminders_are_dealt_in_turn_starting_with_the_least_loaded(tree, users):
    firms = [factories.union_enterprise(parent=tree.a) for _ in range(3)]
    offers = [factories.offer(firms[0], sent_on=D(2026, 3, 3))]
    reminders_run(on=D(2026, 4, 1))
    # township A's editors, both without open reminders: the lower id
    assert Reminder.objects.get().assigned_to == users.township_staff
    offers += [factories.offer(firm, sent_on=D(2026, 3, 3)) for firm in firms[1:]]
    reminders_run(on=D(2026, 4, 1))
    dealt = [Reminder.objects.get(offer=offer).assigned_to for offer in offers[1:]]
    assert dealt == [users.social_worker, users.township_staff]  # least loaded first


def test_an_answered_clock_closes_its_reminder(employer_a):
    offer = factories.offer(employer_a, sent_on=D(2026, 3, 3))
    reminders_run(on=D(2026, 4, 1))
    offer_reply_record(actor=None, offer=offer, replied_on=D(2026, 4, 2), reply="accepted")
    run = reminders_run(on=D(2026, 4, 3))
    assert run.closed == 1
    reminder = Reminder.objects.get()
    assert reminder.status == ReminderStatus.DONE and reminder.closed_on == D(2026, 4, 3)
    # and is never opened again for the same clock
    assert reminders_run(on=D(2026, 4, 4)).opened == 0


def test_the_reminders_show_as_to_dos_in_scope(tree, users, employer_a, employer_b, client):
    from gonghui.core.todos import todo_counts

    factories.offer(employer_a, sent_on=D(2026, 3, 3))
    factories.offer(employer_b, sent_on=D(2026, 3, 3))
    reminders_run(on=D(2026, 4, 1))
    assert todo_counts(users.township_staff)["rights.replies_overdue"] == [1, True]
    assert todo_counts(users.county_staff)["rights.replies_overdue"] == [2, True]
    assert todo_counts(users.leader)["rights.reminders_overdue"][1] is False  # oversight only
    client.force_login(users.township_staff)
    page = client.get("/").content.decode()
    assert "逾期未答复的协商要约" in page
