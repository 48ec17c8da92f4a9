"""The daily reminder run (all clocks, all employers), set-based, and closing a reminder.

Per kind, a query finds the targets whose clock has run out and that have no reminder of
that kind yet (NOT EXISTS on the partial unique constraints' columns), each with its org's
path and anchor. On PostgreSQL the five are one INSERT … SELECT … ON CONFLICT DO NOTHING
(`_insert_sql`): the server finds each target's assignee (`Assigner`: the nearest org up the
tree whose users may edit rights records, its users dealt in turn, fewest open reminders
first) and writes the rows — none passes through Python. Elsewhere (SQLite) each kind's rows
are read and bulk-inserted (`_insert_rows`, same assignment). Reminders whose clock was
answered (offer replied, contract renewed or filed, finding resolved, case closed) are closed
by one UPDATE per kind. A re-run with nothing new finds no target and writes nothing but its
run row.
"""

import datetime
import time
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gonghui.core.errors import ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.workdays import working_days_after
from gonghui.orgs.models import OrgStatus
from gonghui.rights.bargaining.models import BargainingOffer, OfferDirection, OfferOutcome
from gonghui.rights.contracts.models import CollectiveContract, ContractStatus
from gonghui.rights.legalaid.models import AidStatus, LegalAidCase
from gonghui.rights.reminders.models import (
    TARGET_FIELDS,
    Reminder,
    ReminderKind,
    ReminderRun,
    ReminderStatus,
)
from gonghui.rights.shared import (
    MODULE,
    AuditAction,
    add_months,
    audit,
    county_of_user,
    require_scope,
    today,
)
from gonghui.rights.wagechecks.models import FindingStatus, NoticeStatus, NoticeStep, WageNotice

EXPIRY_MONTHS = 3  # renewal may be asked within 3 months before expiry
# The to-do's own deadline, in working days from the day it is opened.
DEADLINE_WORKING_DAYS = {
    ReminderKind.CONTRACT_EXPIRING: 10,
    ReminderKind.FILING_OVERDUE: 3,
    ReminderKind.REPLY_OVERDUE: 5,
    ReminderKind.NOTICE_DUE: 5,
    ReminderKind.CASE_OVERDUE: 3,
}
LIVE_CONTRACT = (ContractStatus.SIGNED, ContractStatus.FILED, ContractStatus.EFFECTIVE)
BATCH = 2000


def _no_reminder(kind: str, field: str = "pk"):
    target = TARGET_FIELDS[kind]
    return ~Exists(Reminder.objects.filter(kind=kind, **{target: OuterRef(field)}))


# (org id, org path, org anchor id, enterprise id, target id, due day) per kind.
def _expiring(on: datetime.date) -> QuerySet:
    kind = ReminderKind.CONTRACT_EXPIRING
    return (
        CollectiveContract.objects.filter(
            status__in=LIVE_CONTRACT,
            end_on__gte=on,
            end_on__lte=add_months(on, EXPIRY_MONTHS),
            renewal_requested_on__isnull=True,
        )
        .filter(_no_reminder(kind))
        .values_list("org_id", "org__path", "org_anchor_id", "enterprise_id", "pk", "end_on")
    )


def _filing(on: datetime.date) -> QuerySet:
    kind = ReminderKind.FILING_OVERDUE
    return (
        CollectiveContract.objects.filter(status=ContractStatus.SIGNED, filing_due__lt=on)
        .filter(_no_reminder(kind))
        .values_list("org_id", "org__path", "org_anchor_id", "enterprise_id", "pk", "filing_due")
    )


def _replies(on: datetime.date) -> QuerySet:
    kind = ReminderKind.REPLY_OVERDUE
    return (
        BargainingOffer.objects.filter(
            outcome=OfferOutcome.OPEN,
            replied_on__isnull=True,
            reply_due__lt=on,
            direction=OfferDirection.SENT,
        )
        .filter(_no_reminder(kind))
        .values_list("org_id", "org__path", "org_anchor_id", "enterprise_id", "pk", "reply_due")
    )


def _notices(on: datetime.date) -> QuerySet:
    kind = ReminderKind.NOTICE_DUE
    return (
        WageNotice.objects.filter(
            status__in=(NoticeStatus.ISSUED, NoticeStatus.REPLIED),
            step__in=(NoticeStep.PROMPT, NoticeStep.OPINION),
            deadline__lt=on,
            finding__status=FindingStatus.OPEN,
        )
        .filter(_no_reminder(kind))
        .values_list(
            "org_id", "org__path", "org_anchor_id", "finding__enterprise_id", "pk", "deadline"
        )
    )


def _cases(on: datetime.date) -> QuerySet:
    kind = ReminderKind.CASE_OVERDUE
    return (
        LegalAidCase.objects.filter(status=AidStatus.ASSIGNED, deadline__lt=on)
        .filter(_no_reminder(kind))
        .values_list("org_id", "org__path", "org_anchor_id", "enterprise_id", "pk", "deadline")
    )


CANDIDATES = {
    ReminderKind.CONTRACT_EXPIRING: _expiring,
    ReminderKind.FILING_OVERDUE: _filing,
    ReminderKind.REPLY_OVERDUE: _replies,
    ReminderKind.NOTICE_DUE: _notices,
    ReminderKind.CASE_OVERDUE: _cases,
}


class Assigner:
    """Who gets a reminder: at the nearest org up the tree (the target's org first) where
    active users hold a role granting rights.edit — so their scope covers the target — the
    reminders of the run are dealt to those users in turn, starting with the one with the
    fewest open reminders (ties: the lowest id), in the order of kinds and then targets.
    Loads the role assignments and the open counts once per run; the set-based insert
    (`_insert_sql`) deals with the same lists in SQL."""

    def __init__(self):
        from gonghui.accounts.models import RoleAssignment

        holders: dict[int, set[int]] = defaultdict(set)
        for assignment in RoleAssignment.objects.filter(
            user__is_active=True, org__status=OrgStatus.ACTIVE
        ).select_related("role"):
            if assignment.role.grants(MODULE, Action.EDIT):
                holders[assignment.org_id].add(assignment.user_id)
        load = Counter(
            dict(
                Reminder.objects.filter(status=ReminderStatus.OPEN, assigned_to__isnull=False)
                .values_list("assigned_to")
                .annotate(n=Count("pk"))
                .values_list("assigned_to", "n")
            )
        )
        # holder org → its users, fewest open reminders first
        self.holders = {
            org: sorted(users, key=lambda u: (load[u], u)) for org, users in holders.items()
        }
        self._dealt: Counter = Counter()
        self._nearest: dict[str, int | None] = {}

    def pick(self, path: str) -> int | None:
        if path not in self._nearest:
            ids = [int(p) for p in path.strip("/").split("/") if p]
            self._nearest[path] = next((o for o in reversed(ids) if self.holders.get(o)), None)
        holder_org = self._nearest[path]
        if holder_org is None:
            return None
        users = self.holders[holder_org]
        chosen = users[self._dealt[holder_org] % len(users)]
        self._dealt[holder_org] += 1
        return chosen


def _insert_rows(run: ReminderRun, on: datetime.date, now) -> None:
    """Portable: each kind's targets read (one query per kind) and bulk-inserted."""
    assigner = Assigner()
    for kind, candidates in CANDIDATES.items():
        rows = sorted(candidates(on), key=lambda row: row[4])
        if not rows:
            continue
        deadline = working_days_after(on, DEADLINE_WORKING_DAYS[kind])
        target = TARGET_FIELDS[kind] + "_id"
        Reminder.objects.bulk_create(
            [
                Reminder(
                    kind=kind,
                    org_id=org_id,
                    org_anchor_id=anchor_id,
                    enterprise_id=enterprise_id,
                    due_on=due_on,
                    opened_on=on,
                    deadline=deadline,
                    assigned_to_id=assigner.pick(path),
                    run=run,
                    **{target: target_id},
                )
                for org_id, path, anchor_id, enterprise_id, target_id, due_on in rows
            ],
            batch_size=BATCH,
            ignore_conflicts=True,
        )


def _insert_sql(run: ReminderRun, on: datetime.date, now) -> None:
    """PostgreSQL: ONE statement for all kinds — INSERT … SELECT over the union of the
    kinds' target queries; the nearest holder org found from each target's org path, the
    assignee dealt by row_number() over that org's users. No row passes through Python."""
    assigner = Assigner()
    quote = connection.ops.quote_name
    meta = Reminder._meta
    targets = ("contract", "offer", "notice", "case")
    parts, params = [], []
    for order, (kind, candidates) in enumerate(CANDIDATES.items()):
        sql, sub_params = (
            candidates(on).order_by().query.get_compiler(connection=connection).as_sql()
        )
        columns = ", ".join(
            ("c.target_id" if name == TARGET_FIELDS[kind] else "NULL::bigint") + f" AS {name}_id"
            for name in targets
        )
        parts.append(
            f"SELECT {order} AS kind_order, %s AS kind, %s::date AS deadline, c.org_id, "
            f"c.path, c.anchor_id, c.enterprise_id, {columns}, c.target_id, c.due_on "
            f"FROM ({sql}) AS c(org_id, path, anchor_id, enterprise_id, target_id, due_on)"
        )
        deadline = working_days_after(on, DEADLINE_WORKING_DAYS[kind])
        params += [kind.value, deadline, *sub_params]
    holders = list(assigner.holders.items())
    columns = ", ".join(
        quote(meta.get_field(name).column)
        for name in (
            "created_at", "updated_at", "org", "org_anchor", "kind", "enterprise", *targets,
            "due_on", "opened_on", "deadline", "assigned_to", "status", "closed_note", "run",
        )
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH holders(holder_id, users) AS ("
            "  SELECT h, string_to_array(u, ',')::bigint[]"
            "  FROM unnest(%s::bigint[], %s::text[]) AS x(h, u)"
            f"), due AS ({' UNION ALL '.join(parts)}"
            "), placed AS ("
            "  SELECT due.*, h.holder_id, h.users FROM due LEFT JOIN LATERAL ("
            "    SELECT holders.holder_id, holders.users"
            "    FROM unnest(string_to_array(trim(both '/' from due.path), '/')::bigint[])"
            "      WITH ORDINALITY AS p(org_id, depth)"
            "    JOIN holders ON holders.holder_id = p.org_id"
            "    ORDER BY p.depth DESC LIMIT 1"
            "  ) h ON true"
            f") INSERT INTO {quote(meta.db_table)} ({columns}) "
            "SELECT %s, %s, org_id, anchor_id, kind, enterprise_id, contract_id, offer_id, "
            "notice_id, case_id, due_on, %s, deadline, users[1 + (row_number() OVER ("
            "PARTITION BY holder_id ORDER BY kind_order, target_id) - 1) %% cardinality(users)], "
            "%s, '', %s FROM placed ON CONFLICT DO NOTHING",
            [
                [org for org, _ in holders],
                [",".join(map(str, users)) for _, users in holders],
                *params,
                now,
                now,
                on,
                ReminderStatus.OPEN.value,
                run.pk,
            ],
        )


def _close_resolved(on: datetime.date) -> int:
    """Close the open reminders whose clock has been answered (one UPDATE per kind)."""
    open_ = Reminder.objects.filter(status=ReminderStatus.OPEN)
    answered = {
        ReminderKind.CONTRACT_EXPIRING: Q(contract__renewal_requested_on__isnull=False)
        | Q(contract__status__in=(ContractStatus.TERMINATED, ContractStatus.OBJECTED))
        | Exists(CollectiveContract.objects.filter(previous=OuterRef("contract_id"))),
        ReminderKind.FILING_OVERDUE: ~Q(contract__status=ContractStatus.SIGNED),
        ReminderKind.REPLY_OVERDUE: Q(offer__replied_on__isnull=False)
        | ~Q(offer__outcome=OfferOutcome.OPEN),
        ReminderKind.NOTICE_DUE: ~Q(notice__status__in=(NoticeStatus.ISSUED, NoticeStatus.REPLIED))
        | Q(notice__finding__status=FindingStatus.RESOLVED),
        ReminderKind.CASE_OVERDUE: ~Q(case__status=AidStatus.ASSIGNED),
    }
    closed = 0
    for kind, condition in answered.items():
        ids = open_.filter(kind=kind).filter(condition).values("pk")
        closed += Reminder.objects.filter(pk__in=ids).update(
            status=ReminderStatus.DONE, closed_on=on, closed_note="事项已办理，系统自动办结"
        )
    return closed


def reminders_run_now(*, actor) -> ReminderRun:
    """The staff page's and the API's "run now": the same installation-wide run as the daily
    one, so only for staff whose edit scope covers their county (a township waits for the
    daily run; what it opens, it opens for every county)."""
    county_of_user(actor, Action.EDIT)
    return reminders_run(trigger="manual")


def reminders_run(*, on: datetime.date | None = None, trigger: str = "scheduled") -> ReminderRun:
    """Open the reminders of every clock that ran out by `on` (default today), close those
    answered meanwhile; returns the run with its counts. A fixed number of queries however
    many targets: five UPDATEs closing, one INSERT … SELECT opening (PostgreSQL; one read
    and bulk insert per kind elsewhere), one count by kind."""
    started = time.perf_counter()
    on = on or today()
    with transaction.atomic():
        run = ReminderRun.objects.create(on=on, trigger=trigger)
        closed = _close_resolved(on)
        insert = _insert_sql if connection.vendor == "postgresql" else _insert_rows
        insert(run, on, timezone.now())
        counts = dict(
            Reminder.objects.filter(run=run)
            .order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        run.opened = sum(counts.values())
        run.closed = closed
        run.counts = {kind: counts[kind] for kind in CANDIDATES if kind in counts}
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["opened", "closed", "counts", "duration_ms"])
    return run


@transaction.atomic
def reminder_close(*, actor, reminder: Reminder, note: str) -> Reminder:
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    require_scope(actor, reminder.org)
    if reminder.status != ReminderStatus.OPEN:
        raise ValidationFailed("该提醒已办结。")
    if not (note or "").strip():
        raise ValidationFailed("请填写办理情况。", fields={"note": ["请填写办理情况。"]})
    reminder.status = ReminderStatus.DONE
    reminder.closed_on = today()
    reminder.closed_note = note.strip()[:300]
    reminder.save(update_fields=["status", "closed_on", "closed_note", "updated_at"])
    audit(actor, AuditAction.UPDATED, reminder, what="reminder_close", kind=reminder.kind)
    return reminder
