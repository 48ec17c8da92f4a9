"""Committing: both modes, idempotent re-import, scope, progress counts, audit, error sheet."""

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.imports.models import ImportMode, ImportStatus
from gonghui.core.imports.services import import_commit, import_errors_xlsx, import_upload
from gonghui.core.imports.tests.files import ORG_HEADER, csv_upload, read_xlsx, xlsx_upload
from gonghui.orgs.models import Org, OrgLevel, OrgType

CHAIN = [
    ORG_HEADER,
    ["\u3000甲镇二村工会\u3000", "９９９００１００３", "999001", "村(社区)工会", "", "", "张　三"],
    ["甲镇二村某厂工会", "999001003001", "999001003", "企业工会", "分工会/车间工会", "", ""],
    ["甲镇工业园工会", "999001009", "", "园区工会", "", "", ""],
]


def _upload(actor, rows, **kwargs):
    return import_upload(actor=actor, kind="orgs", file=xlsx_upload(rows, **kwargs))


def test_skip_invalid_writes_valid_rows_including_parents_defined_earlier_in_the_file(users, tree):
    job = _upload(users.county_admin, CHAIN, title="组织名单")
    assert (job.valid_rows, job.error_rows) == (2, 1)
    job = import_commit(actor=users.county_admin, job=job, mode=ImportMode.SKIP_INVALID)
    assert job.status == ImportStatus.DONE
    assert (job.created_count, job.updated_count, job.unchanged_count, job.rejected_count) == (
        2,
        0,
        0,
        1,
    )
    assert (job.processed_rows, job.progress) == (3, 100)
    village = Org.objects.get(code="999001003")
    assert (village.name, village.parent, village.level, village.chair_name) == (
        "甲镇二村工会",
        tree.a,
        OrgLevel.GRASSROOTS,
        "张 三",
    )
    factory = Org.objects.get(code="999001003001")
    assert (factory.parent, factory.type, factory.level) == (
        village,
        OrgType.ENTERPRISE,
        OrgLevel.SUB_UNIT,
    )
    assert not Org.objects.filter(code="999001009").exists()
    event = AuditEvent.objects.get(action=AuditAction.IMPORTED)
    assert event.detail == {
        "kind": "orgs",
        "job": job.pk,
        "file": "导入.xlsx",
        "mode": "skip_invalid",
        "total": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert job.error_sample == [
        {"row": 5, "errors": ["新增组织请填写上级组织编码或上级组织名称。"]}
    ]


def test_all_or_nothing_refuses_a_file_with_any_invalid_row_and_writes_nothing(users, tree):
    before = Org.objects.count()
    job = _upload(users.county_admin, CHAIN)
    with pytest.raises(ValidationFailed) as caught:
        import_commit(actor=users.county_admin, job=job, mode=ImportMode.ALL_OR_NOTHING)
    assert caught.value.code == "import_has_errors"
    assert caught.value.message == (
        "有 1 行存在错误，按“只有全部行有效才导入”的方式不能导入。"
        "请修正后重新上传，或选择“导入有效行，跳过其余”。"
    )
    job.refresh_from_db()
    assert (job.status, job.mode) == (ImportStatus.READY, "")
    assert Org.objects.count() == before


def test_all_or_nothing_rolls_back_everything_when_a_row_fails_at_commit_time(users, tree):
    from gonghui.orgs.services import org_create

    before = Org.objects.count()
    job = _upload(
        users.county_admin, CHAIN[:3] + [["甲镇三村工会", "999001004", "999001", "村(社区)工会"]]
    )
    assert job.error_rows == 0
    # Meanwhile someone creates an org with the last row's name under the same parent.
    org_create(
        actor=users.county_admin,
        parent=tree.a,
        name="甲镇三村工会",
        type=OrgType.COMMUNITY,
        level=OrgLevel.GRASSROOTS,
        code="999001099",
    )
    job = import_commit(actor=users.county_admin, job=job, mode=ImportMode.ALL_OR_NOTHING)
    assert job.status == ImportStatus.FAILED
    assert (job.created_count, job.rejected_count) == (0, 1)
    assert (
        job.message
        == "第 4 行起共有 1 行未通过校验。按“只有全部行有效才导入”的方式，本次没有写入任何数据。"
    )
    assert Org.objects.count() == before + 1
    assert not Org.objects.filter(code__in=["999001003", "999001003001", "999001004"]).exists()
    assert job.error_sample == [
        {"row": 4, "errors": ["上级组织下已有同名组织“甲镇三村工会”(编码 999001099)。"]}
    ]
    rejected = AuditEvent.objects.get(action=AuditAction.IMPORT_REJECTED)
    assert rejected.detail["first_error_row"] == 4


def test_reimporting_the_same_file_changes_nothing(users, tree, enterprise_factory):
    rows = CHAIN[:3]
    first = import_commit(
        actor=users.county_admin, job=_upload(users.county_admin, rows), mode="all_or_nothing"
    )
    assert (first.created_count, first.updated_count) == (2, 0)
    versions = dict(Org.objects.values_list("code", "version"))
    again = import_commit(
        actor=users.county_admin, job=_upload(users.county_admin, rows), mode="all_or_nothing"
    )
    assert (
        again.created_count,
        again.updated_count,
        again.unchanged_count,
        again.rejected_count,
    ) == (0, 0, 2, 0)
    assert dict(Org.objects.values_list("code", "version")) == versions
    changed = [rows[0], rows[1][:6] + ["李四"], rows[2]]
    third = import_commit(
        actor=users.county_admin, job=_upload(users.county_admin, changed), mode="skip_invalid"
    )
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 1, 1)
    assert Org.objects.get(code="999001003").chair_name == "李四"


def test_a_township_user_cannot_place_orgs_under_a_parent_outside_their_scope(users, tree):
    job = _upload(
        users.township_staff,
        [
            ORG_HEADER,
            ["乙镇二村工会", "999002002", "999002", "村(社区)工会"],
            ["甲镇二村工会", "999001003", "999001", "村(社区)工会"],
            ["乙镇一村工会", "999002001", "999002", "村(社区)工会"],
            ["甲镇一村工会", "999001001", "999001", "村(社区)工会"],
        ],
    )
    assert job.org == tree.a
    assert job.error_sample == [
        {"row": 2, "errors": ["上级组织“999002”不存在或不在您的管理范围内。"]},
        {"row": 4, "errors": ["组织编码“999002001”已被导入范围以外的组织使用。"]},
    ]
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.unchanged_count, job.rejected_count) == (1, 1, 2)
    assert not Org.objects.filter(code="999002002").exists()
    assert Org.objects.get(code="999001003").parent == tree.a


def test_parent_by_name_existing_orgs_are_not_moved_and_names_clash(users, tree):
    header = ["组织名称", "组织编码", "上级组织名称", "组织类型"]
    job = _upload(
        users.county_admin,
        [
            header,
            ["甲镇二村工会", "999001003", "甲镇总工会", "村(社区)工会"],
            ["甲镇一村工会", "999001001", "乙镇总工会", ""],
            ["甲镇二村工会", "999001004", "甲镇总工会", "村(社区)工会"],
            ["某工会", "999001005", "不存在的工会", "企业工会"],
        ],
    )
    assert job.error_sample == [
        {
            "row": 3,
            "errors": [
                "组织“甲镇一村工会”已存在，上级组织与系统中不一致；导入不会移动组织，请在组织树中使用“移动”。"
            ],
        },
        {"row": 4, "errors": ["与第 2 行同属一个上级组织且名称相同。"]},
        {"row": 5, "errors": ["上级组织“不存在的工会”不存在或不在导入范围内。"]},
    ]


def test_only_the_owner_commits_once(users, tree):
    job = _upload(users.county_admin, CHAIN[:2])
    with pytest.raises(NotFound):
        import_commit(actor=users.county_staff, job=job, mode="skip_invalid")
    import_commit(actor=users.county_admin, job=job, mode="skip_invalid")
    with pytest.raises(Conflict):
        import_commit(actor=users.county_admin, job=job, mode="skip_invalid")
    with pytest.raises(ValidationFailed):
        import_commit(actor=users.county_admin, job=job, mode="whatever")


def test_error_sheet_keeps_original_columns_adds_the_reason_and_neutralises_formulas(users, tree):
    rows = [
        ["组织名称", "组织编码", "上级组织编码", "组织类型", "备注"],
        ['=HYPERLINK("http://evil","点我")', "999001003", "999002009", "村(社区)工会", "+1"],
        ["甲镇三村工会", "999001004", "999001", "村(社区)工会", "@SUM(A1)"],
    ]
    job = import_upload(actor=users.county_admin, kind="orgs", file=csv_upload(rows))
    sheet = read_xlsx(import_errors_xlsx(job))
    assert sheet == [
        ["原行号", "组织名称", "组织编码", "上级组织编码", "组织类型", "备注", "错误原因"],
        [
            2.0,
            '\'=HYPERLINK("http://evil","点我")',
            "999001003",
            "999002009",
            "村(社区)工会",
            "'+1",
            "上级组织“999002009”不存在或不在您的管理范围内。",
        ],
    ]


@pytest.mark.django_db(transaction=True)
def test_all_or_nothing_in_a_real_transaction_reports_progress_and_commits(
    users, tree, monkeypatch
):
    """Outside a test transaction (as in the worker) progress goes through a side connection
    on PostgreSQL while the single transaction is open."""
    from django.db import DEFAULT_DB_ALIAS, connection, connections

    from gonghui.core.imports import pipeline

    monkeypatch.setattr(pipeline, "PROGRESS_INTERVAL", 0)
    seen_outside: list[int] = []
    update = pipeline.Progress.update

    def spy(self, processed, **fields):
        update(self, processed, **fields)
        if self.side is not None:  # what another session sees while the import is open
            other = connections.create_connection(DEFAULT_DB_ALIAS)
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT processed_rows FROM core_importjob WHERE id = %s", [self.job_id]
                )
                seen_outside.append(cursor.fetchone()[0])
            other.close()

    monkeypatch.setattr(pipeline.Progress, "update", spy)
    rows = [ORG_HEADER] + [
        [f"甲镇{n}村工会", f"999001{100 + n}", "999001", "村(社区)工会"] for n in range(30)
    ]
    job = _upload(users.county_admin, rows)
    job = import_commit(actor=users.county_admin, job=job, mode=ImportMode.ALL_OR_NOTHING)
    assert (job.status, job.created_count, job.processed_rows, job.progress) == (
        ImportStatus.DONE,
        30,
        30,
        100,
    )
    assert Org.objects.filter(code__startswith="9990011").count() == 30
    assert seen_outside == ([30] if connection.vendor == "postgresql" else [])


def test_overlapping_writers_restore_the_switch_interval_after_the_last_one():
    import sys

    from gonghui.core.imports import tuning

    before = sys.getswitchinterval()
    with tuning.short_switch_interval:
        with tuning.short_switch_interval:  # a second import in another thread
            assert sys.getswitchinterval() == tuning.WRITER_SWITCH_INTERVAL
        assert sys.getswitchinterval() == tuning.WRITER_SWITCH_INTERVAL  # one still running
    assert sys.getswitchinterval() == before


def test_imports_pause_the_cyclic_gc_and_leave_it_as_they_found_it():
    import gc

    from gonghui.core.imports import tuning

    assert gc.isenabled()
    with tuning.paused_gc:
        with tuning.paused_gc:
            assert not gc.isenabled()
        assert not gc.isenabled()  # another import is still running
    assert gc.isenabled()
    gc.disable()  # a process that runs without the collector keeps running without it
    try:
        with tuning.paused_gc:
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_commit_pass_runs_with_the_gc_paused(users, tree, monkeypatch):
    import gc

    from gonghui.core.imports import pipeline

    seen = []
    check = pipeline.RowChecker.check

    def spy(self, ctx, rows):
        seen.append(gc.isenabled())
        return check(self, ctx, rows)

    monkeypatch.setattr(pipeline.RowChecker, "check", spy)
    job = _upload(users.county_admin, CHAIN)
    job = import_commit(actor=users.county_admin, job=job, mode="skip_invalid")
    assert job.created_count == 2
    assert seen == [False, False] and gc.isenabled()  # validation pass, then commit pass


def test_batch_garbage_collects_cycles_once_enough_objects_pile_up_while_the_gc_is_paused():
    import gc
    import weakref

    from gonghui.core.imports import tuning

    class Node:
        pass

    def leave_a_cycle():
        node = Node()
        node.itself = node
        return weakref.ref(node)

    with tuning.paused_gc:
        gc.collect(0)
        garbage = tuning.BatchGarbage(threshold=5_000)
        cycle = leave_a_cycle()
        garbage.batch_done()
        assert cycle() is not None  # not yet: few objects since the last collection
        kept = [[] for _ in range(6_000)]  # what a batch keeps alive counts too
        garbage.batch_done()
        assert cycle() is None
        assert not gc.isenabled() and len(kept) == 6_000


def test_bulk_writers_hand_plain_values_to_the_driver_and_prepare_the_others():
    from django.db import models

    from gonghui.core.fields import ByteOrderCharField, EncryptedTextField
    from gonghui.core.imports.pipeline import _plain_field

    class UpperCharField(models.CharField):
        def get_prep_value(self, value):
            return super().get_prep_value(value).upper()

    assert _plain_field(models.CharField(max_length=4))
    assert _plain_field(ByteOrderCharField(max_length=4))  # only the collation differs
    assert not _plain_field(EncryptedTextField())
    assert not _plain_field(UpperCharField(max_length=4))
    assert not _plain_field(models.JSONField())


@pytest.mark.parametrize(
    ("count", "split_last", "sizes"),
    [
        (28, False, [10, 10, 8]),
        (28, True, [10, 10, 4, 4]),
        (25, True, [10, 10, 5]),  # half a batch or less stays whole
        (30, True, [10, 10, 5, 5]),
        (7, True, [3, 4]),
        (0, True, []),
    ],
)
def test_batches_can_split_the_last_one_for_the_two_writers(count, split_last, sizes):
    from gonghui.core.imports.pipeline import batches

    out = list(batches(iter(range(count)), 10, split_last=split_last))
    assert [len(b) for b in out] == sizes
    assert [item for b in out for item in b] == list(range(count))
