"""Every code written into an audit detail has a Chinese label (gonghui.core.labels).

The writers are found in the source: `detail={...}` literals, `detail = {...}` and
`detail["key"] = ...` in services, the keyword arguments of the helpers that build details
(`_audit`, `_transition_audit`, `_fact_record`), and the `what=` of exports. Every key they
write must be registered (with a label, or hidden as an internal id), and every literal
code they write as a value must have a label.
"""

import ast
from pathlib import Path

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.audit.services import audit_record
from gonghui.audit.templatetags.audit_tags import audit_detail
from gonghui.core.labels import UNKNOWN, key_label, registered_values, value_label

ROOT = Path(__file__).resolve().parents[2]
HELPERS = {"_audit", "_transition_audit", "_fact_record"}
NOT_DETAIL_KEYWORDS = {"actor", "action", "archive", "fact"}


def _written() -> tuple[dict[str, set[str]], list[str]]:
    """{key: literal string values written} over the source, and where each key is."""
    keys: dict[str, set[str]] = {}
    where: list[str] = []

    def add(key, value_node, path):
        values = keys.setdefault(key, set())
        where.append(f"{key} ({path.relative_to(ROOT)})")
        if isinstance(value_node, ast.Constant) and isinstance(value_node.value, str):
            values.add(value_node.value)

    def add_dict(node, path):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant):
                add(k.value, v, path)

    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts or "testing" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", getattr(node.func, "attr", ""))
                for kw in node.keywords:
                    if kw.arg == "detail" and isinstance(kw.value, ast.Dict):
                        add_dict(kw.value, path)
                    if kw.arg == "what" and name in {"export_workbook", "export_workbook_sheets"}:
                        add("what", kw.value, path)
                if name in HELPERS:
                    for kw in node.keywords:
                        if name == "_transition_audit" and kw.arg == "action":
                            add("step", kw.value, path)
                            add("from_status", ast.Constant(None), path)
                            add("to_status", ast.Constant(None), path)
                        elif kw.arg and kw.arg not in NOT_DETAIL_KEYWORDS:
                            add(kw.arg, kw.value, path)
                    if name == "_fact_record" and len(node.args) >= 6:
                        add("what", node.args[5], path)
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict):
                if any(getattr(t, "id", "") == "detail" for t in node.targets):
                    add_dict(node.value, path)
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.ctx, ast.Store)
                and getattr(node.value, "id", "") == "detail"
                and isinstance(node.slice, ast.Constant)
            ):
                add(node.slice.value, ast.Constant(None), path)
    return keys, where


def test_the_source_writes_details_the_scan_can_see():
    keys, _ = _written()
    # a few known writers, so that a broken scan cannot pass by finding nothing
    assert {"alert_close", "grant_approve", "members", "medical_expense"} <= keys["what"]
    assert {"bad_password", "stronger"} <= keys["reason"]
    assert "approve" in keys["step"] and "changed" in keys and "trigger" in keys


def test_every_detail_key_and_code_written_has_a_chinese_label():
    keys, where = _written()
    unlabelled = sorted(k for k in keys if key_label(k) is UNKNOWN)
    assert not unlabelled, [w for w in where if w.split(" ")[0] in unlabelled]
    missing = sorted(
        (key, value)
        for key, values in keys.items()
        if key_label(key) is not None
        for value in values
        if value_label(key, value) is None and value not in registered_values(key)
    )
    assert not missing


@pytest.mark.django_db
def test_the_issues_example_reads_in_chinese(tree):
    event = audit_record(
        action=AuditAction.UPDATED,
        org=tree.a1,
        detail={"what": "alert_close", "rule": "review_overdue", "outcome": "archived"},
    )
    text = audit_detail(AuditEvent.objects.get(pk=event.pk))
    assert text == "事项：办结预警；规则：年度复核逾期；处置结果：已纳入建档帮扶"


@pytest.mark.django_db
def test_changed_fields_ids_pairs_and_nested_codes_read_in_chinese(tree):
    update = audit_record(
        action=AuditAction.UPDATED, org=tree.a1, obj=tree.a1, detail={"changed": ["name", "code"]}
    )
    assert audit_detail(update) == "修改字段：组织名称、组织编码"
    moved = audit_record(
        action=AuditAction.MOVED,
        obj=tree.a1,
        detail={"from": "甲镇总工会", "from_id": 3, "to": "乙镇总工会", "to_id": 6},
    )
    assert audit_detail(moved) == "原上级：甲镇总工会；新上级：乙镇总工会"
    run = {"what": "monitoring_run", "trigger": "scheduled", "counts": {"job_loss": 2}}
    assert audit_detail(run) == "事项：运行监测；触发方式：定时；各规则预警数：失业 2"
    assert audit_detail({"status": ["open", "closed"]}) == "状态：正常开放 → 已关闭"
    budget = {"what": "budget", "org": 12, "from": "0", "to": "25000.50"}
    assert audit_detail(budget) == "事项：项目预算；原预算(元)：0；新预算(元)：25,000.50"
