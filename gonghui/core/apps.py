from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = "公共"

    def ready(self) -> None:
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from gonghui.core import crypto, dbroles, lookups, metrics, rotation, tallies
        from gonghui.core.forms import apply_model_field_messages
        from gonghui.core.imports import todos

        crypto.rekeyed_check_set(rotation.rekeyed)
        lookups.register()
        metrics.autodiscover()
        metrics.tally_reader = tallies.read
        todos.register()
        _labels_register()
        dbroles.register_check()
        # After every migrate run as the owner: the app role's privileges on the new tables.
        post_migrate.connect(dbroles.grant_after_migrate, sender=self)
        post_migrate.connect(tallies.install_after_migrate, sender=self)
        # The one catalogue of validation messages also speaks for the project's model fields.
        apply_model_field_messages(
            model
            for config in apps.get_app_configs()
            if config.name.startswith("gonghui.")
            for model in config.get_models()
        )


# Import refusals (gonghui.core.imports.reader.ImportFileError codes) by cause.
IMPORT_REFUSALS = {
    "import_file_invalid": "文件无法读取",
    "import_file_bomb": "文件解压后过大",
    "import_file_corrupt": "文件已损坏",
    "import_file_empty": "文件为空",
    "import_file_encoding": "文件编码无法识别",
    "import_file_encrypted": "文件已加密",
    "import_file_html": "文件是网页而非表格",
    "import_file_not_table": "文件不是表格",
    "import_file_too_large": "文件过大",
    "import_file_too_wide": "列数过多",
    "import_file_unsupported": "文件格式不支持",
    "import_has_errors": "有未通过校验的行",
    "import_missing_columns": "缺少必需的列",
    "import_no_header": "找不到表头",
    "import_no_rows": "没有数据行",
    "import_not_ready": "文件尚未校验完成",
    "import_nothing_valid": "没有可导入的有效行",
    "import_too_many_rows": "行数过多",
    "system_error": "系统错误",
    "interrupted": "导入中断",
}


def _labels_register() -> None:
    """Labels of the audit-detail codes written by core: imports, exports, common keys."""
    from gonghui.core.audit import AuditAction, AuditResult
    from gonghui.core.imports.models import ExistingPolicy, ImportMode
    from gonghui.core.imports.registry import all_kinds
    from gonghui.core.labels import labels_register

    labels_register(
        keys={
            "what": "事项",
            "reason": "原因",
            "name": "名称",
            "code": "编码",
            "kind": "类型",
            "status": "状态",
            "year": "年度",
            "version": "版本",
            "on": "日期",
            "effective_from": "生效日期",
            "changed": "修改字段",
            "fields": "查看字段",
            "org": "组织",
            "q": "关键词",
            "result": "结果",
            # exports (core/export.py)
            "rows": "行数",
            "filters": "筛选条件",
            "masked": "已脱敏",
            # imports (core/imports)
            "job": None,
            "file": "文件",
            "size": "文件大小(字节)",
            "message": "说明",
            "mode": "导入方式",
            "total": "总行数",
            "created": "新增",
            "updated": "更新",
            "unchanged": "未变化",
            "rejected": "未通过校验",
            "skipped": "跳过",
            "existing": "已有记录",
            "first_error_row": "首个错误行",
            "direct": "直接导入",
            "sheets": "工作表数",
            "unmasked": "含完整信息",
            "interruptions": "中断记录",
            # operations (core/backup.py, core/rotation.py)
            "created_at": "创建时间",
            "key_fingerprint": "数据密钥指纹",
            "phase": "阶段",
            "re_encrypted": "重新加密的值",
            "hashes": "更新的查找哈希",
            "orphaned_hashes": "无对应记录而未更新的查找哈希",
        },
        values={
            "result": AuditResult,
            "mode": ImportMode,
            "existing": ExistingPolicy,
            "reason": IMPORT_REFUSALS,
            "phase": {"start": "开始", "resume": "继续", "finish": "完成"},
            # the audit log's own export (gonghui/audit/views.py) and the imports' error sheet
            "what": {"audit_events": "审计日志", "import_errors": "导入错误行清单"},
        },
        nested={"changed": "model:", "fields": "model:"},
        providers={"kind": lambda: {k.code: f"{k.title}导入" for k in all_kinds()}},
    )
    # The filters the audit log's export records (gonghui/audit/views.py FILTER_KEYS).
    labels_register(
        what="audit_events",
        keys={
            "action": "操作",
            "result": "结果",
            "username": "用户名",
            "date_from": "起始日期",
            "date_to": "截止日期",
        },
        values={"action": AuditAction, "result": AuditResult},
    )
