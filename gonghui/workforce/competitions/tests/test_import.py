"""Entrants imported through the shared pipeline: the registration rules apply per row."""

import io

import pytest
from python_calamine import CalamineWorkbook

from gonghui.core.imports.services import import_commit, import_errors_export, import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.workforce.competitions import services
from gonghui.workforce.competitions.models import CompetitionStatus, Entry, EntryStatus
from gonghui.workforce.tests import factories as f

pytestmark = pytest.mark.django_db
HEADER = ["竞赛编号", "工种", "身份证号", "姓名"]


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _run(user, rows, org):
    job = import_upload(
        actor=user, kind="workforce_entries", file=xlsx_upload([HEADER, *rows]), org=org
    )
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode="skip_invalid")
    return job


def _errors(job) -> dict[int, str]:
    content = import_errors_export(actor=job.user, job=job)
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = [str(c) for c in sheet[0]]
    row_col = next(i for i, h in enumerate(header) if "行号" in h)
    reason_col = next(i for i, h in enumerate(header) if "错误" in h)
    return {int(float(r[row_col])): str(r[reason_col]) for r in sheet[1:] if r[row_col] != ""}


def test_rows_register_with_the_quota_and_a_second_import_changes_nothing(users, tree):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    services.quota_set(actor=users.county_staff, competition=comp, org=tree.a, places=1)
    people = [f.member(tree.a1, name=n) for n in ("一号", "二号")]
    rows = [[comp.code, "焊工", p.id_number, p.name] for p in people]
    job = _run(users.township_staff, rows, tree.a)
    assert job.created_count == 2
    statuses = dict(Entry.objects.values_list("member__name", "status"))
    assert statuses == {"一号": EntryStatus.REGISTERED, "二号": EntryStatus.WAITING}
    assert set(Entry.objects.values_list("channel", flat=True)) == {"import"}
    again = _run(users.township_staff, rows, tree.a)
    assert (again.created_count, again.unchanged_count) == (0, 2)
    assert Entry.objects.count() == 2


def test_bad_rows_get_chinese_messages(users, tree):
    comp = f.competition(tree.county, status=CompetitionStatus.APPROVED)
    closed = f.competition(
        tree.county,
        status=CompetitionStatus.APPROVED,
        registration_from=f.TODAY.replace(year=f.TODAY.year - 1),
        registration_until=f.TODAY.replace(year=f.TODAY.year - 1),
    )
    inside, outside = f.member(tree.a1, name="本镇"), f.member(tree.b1, name="外镇")
    good = f.member(tree.a1, name="合格")
    rows = [
        ["JS000", "焊工", inside.id_number, ""],
        [comp.code, "钳工", inside.id_number, ""],
        [comp.code, "焊工", outside.id_number, ""],
        [comp.code, "焊工", inside.id_number, "别人"],
        [closed.code, "焊工", inside.id_number, ""],
        [comp.code, "焊工", good.id_number, "合格"],
    ]
    job = _run(users.township_staff, rows, tree.a)
    errors = _errors(job)
    assert "竞赛编号“JS000”不存在" in errors[2]
    assert "不是该竞赛的工种" in errors[3]
    assert "不在导入范围内" in errors[4]
    assert "姓名与会员记录不符" in errors[5]
    assert "报名已于" in errors[6]
    assert job.created_count == 1
    assert Entry.objects.get().competition == comp
