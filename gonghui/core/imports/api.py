"""API for spreadsheet imports of one kind, e.g. /api/v1/members/imports.

The same services as the import pages: upload (format, header and row checks, then the
validation pass: within the request for small files, as a background task for large ones),
commit (a background task), progress, error sheet, discard. A job is private to the user
who uploaded it; anyone else gets 404, as for a missing job.

    POST   /imports                 multipart: file, org_id?  → 201 job (validating or ready);
                                    with mode (+ existing): checked and written in one pass
    GET    /imports/{id}            status, progress, counts, preview, error_sheet_url
    POST   /imports/{id}/commit     {"mode": ..., "existing": ..., "options": {...}} → 202 job
    POST   /imports/{id}/resume     继续导入: a job interrupted or failed part-way → 202 job
    GET    /imports/{id}/errors     the error sheet (.xlsx; personal data masked)
    POST   /imports/{id}/errors/unmasked  {"reason"}: unmasked, for users who may view
                                    sensitive data at the job's org (audited with the reason)
    DELETE /imports/{id}            discard a validated job and its stored files
"""

import json
from datetime import datetime
from typing import Literal
from urllib.parse import quote

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import ConfigDict, Field

from gonghui.core.api import OrgRef, errors, require
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.export import XLSX_CONTENT_TYPE
from gonghui.core.imports import selectors, services
from gonghui.core.imports.models import ExistingPolicy, ImportJob, ImportMode
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, org_model


class ImportRowOut(Schema):
    row: int = Field(description="文件中的行号")
    errors: list[str] = Field(description="该行的错误(中文)")


class ImportPreviewRowOut(ImportRowOut):
    cells: list[str] = Field(description="已识别列的内容(个人信息脱敏)")


class ImportJobOut(Schema):
    id: int
    kind: str
    status: str = Field(
        description="validating 校验中 / ready 待确认导入 / queued 排队中 / running 导入中 / "
        "done 已完成 / failed 失败 / discarded 已放弃"
    )
    status_display: str
    org: OrgRef = Field(description="导入范围")
    original_name: str
    total_rows: int
    valid_rows: int
    error_rows: int
    existing_rows: int = Field(description="有效行中与已有记录相同的行数")
    processed_rows: int
    progress: int = Field(description="进度百分比")
    mode: str = Field(description="导入方式；确认导入前为空")
    direct: bool = Field(description="直接导入(不预览，校验与写入一次完成)")
    existing: str = Field(description="已有记录的处理：update / skip；不适用时为空")
    created_count: int
    updated_count: int
    unchanged_count: int
    skipped_count: int
    rejected_count: int
    message: str
    options: dict[str, str] = Field(description="本类导入特有的选项(确认导入时的选择)")
    findings: dict = Field(description="校验发现(如未登记的工作单位名称)，各导入类型不同")
    resumable: bool = Field(description="失败的任务可“继续导入”(resume 接口)完成")
    committed_through: int = Field(
        description="已写入的批次截至文件第几行(导入中断后从其下一行继续)；0 表示尚未写入"
    )
    interruptions: list[dict] = Field(
        description="各次中断：时间、中断时已写入的行数(written)和截至的行(through_row)"
    )
    columns: list[str] = Field(description="已识别的列")
    preview: list[ImportPreviewRowOut] = Field(description="前 20 行预览")
    error_sample: list[ImportRowOut] = Field(description="前 50 个错误行")
    error_sheet_url: str | None = Field(description="未导入行的 .xlsx(含错误原因)；无错误时为 null")
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_status_display(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_org(obj):
        return {"id": obj.org_id, "name": obj.org.name}

    @staticmethod
    def resolve_columns(obj):
        return [column["label"] for column in obj.columns]

    @staticmethod
    def resolve_error_sheet_url(obj, context):
        if not obj.errors_path:
            return None
        return reverse("api:import_errors_" + obj.kind, kwargs={"id": obj.pk})


class ImportCommitIn(Schema):
    model_config = ConfigDict(extra="forbid")

    mode: Literal["all_or_nothing", "skip_invalid"] = Field(
        description="all_or_nothing：只有全部行有效才导入；skip_invalid：导入有效行，跳过其余"
    )
    existing: Literal["update", "skip"] = Field(
        ExistingPolicy.UPDATE.value,
        description="与已有记录相同的行：update 按文件更新(默认)；skip 跳过",
    )
    options: dict[str, str] = Field(
        default_factory=dict,
        description='本类导入特有的选项，如会员导入 {"new_employers": "text"|"create"}',
    )


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=200, description="查看完整信息的原因")


def _options_json(text: str) -> dict:
    """The upload's `options` form field: a JSON object of the kind's options, or empty."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationFailed(
            'options 应为 JSON 对象，如 {"new_employers": "create"}。',
            fields={"options": ["格式不正确。"]},
        )
    return value


def _sheet(job: ImportJob, content: bytes | None) -> HttpResponse:
    if content is None:
        raise NotFound("该导入任务没有未导入的行。")
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="import-{job.pk}-errors.xlsx"; '
        f"filename*=UTF-8''{quote('未导入的行.xlsx')}"
    )
    return response


def import_router(kind_code: str) -> Router:
    """The import endpoints of one kind, for the app's router to mount at /imports."""
    kind = services.kind_get(kind_code)
    router = Router(tags=[kind.title + "导入"])

    def job_or_404(user, pk) -> ImportJob:
        require(user, kind.module, Action.EDIT)
        try:
            job = selectors.import_job_get(user, pk)
        except Http404 as exc:
            raise NotFound() from exc
        if job.kind != kind.code or not org_in_scope(user, kind.module, Action.EDIT, job.org):
            raise NotFound()
        return job

    @router.post(
        "",
        response={201: ImportJobOut, **errors(403, 404, 422)},
        summary=f"上传{kind.title}导入文件",
        description=(
            "multipart/form-data：file(.xlsx/.xls/.ods/.csv)，org_id(导入范围，不填为数据范围的"
            "最上级组织)。文件通过格式、表头和行数检查后开始校验：小文件在请求内校验完毕"
            "(status=ready)，大文件在后台校验(status=validating，轮询详情接口)。"
            "直接导入：同时提交 mode(all_or_nothing / skip_invalid)"
            + ("和 existing(update / skip)" if kind.existing_choice else "")
            + "，则不预览，校验与写入一次完成(小文件 status=done，大文件 queued/running)。"
            "被拒绝的文件返回 422，code 说明原因(如 import_file_too_large、import_no_header)。"
        ),
        url_name=f"import_upload_{kind.code}",
    )
    def upload(
        request,
        file: File[UploadedFile],
        org_id: Form[int | None] = None,
        mode: Form[Literal["all_or_nothing", "skip_invalid"] | None] = None,
        existing: Form[Literal["update", "skip"]] = ExistingPolicy.UPDATE.value,
        options: Form[str] = "",
    ):
        user = request.auth
        require(user, kind.module, Action.EDIT)
        chosen = _options_json(options)
        org = None
        if org_id is not None:
            org = org_model().objects.filter(pk=org_id).first()
            if org is None:
                raise NotFound()
        job = services.import_upload(
            actor=user,
            kind=kind.code,
            file=file,
            org=org,
            direct_mode=mode or "",
            existing=existing,
            options=chosen,
        )
        return Status(201, job)

    @router.get(
        "/{pk:id}",
        response={200: ImportJobOut, **errors(403, 404)},
        summary=f"{kind.title}导入进度与结果",
        url_name=f"import_detail_{kind.code}",
    )
    def detail(request, id: int):
        return job_or_404(request.auth, id)

    @router.post(
        "/{pk:id}/commit",
        response={202: ImportJobOut, **errors(403, 404, 409, 422)},
        summary=f"确认导入{kind.title}",
        description=(
            "把校验通过的行写入(后台任务)。all_or_nothing 在有错误行时返回 422"
            "(import_has_errors)；已确认过的任务返回 409(import_not_ready)。"
            + ("existing 选择已有记录按文件更新或跳过。" if kind.existing_choice else "")
        ),
        url_name=f"import_commit_{kind.code}",
    )
    def commit(request, id: int, payload: ImportCommitIn):
        job = job_or_404(request.auth, id)
        job = services.import_commit(
            actor=request.auth,
            job=job,
            mode=ImportMode(payload.mode),
            existing=ExistingPolicy(payload.existing),
            options=payload.options,
        )
        return Status(202, job)

    @router.post(
        "/{pk:id}/resume",
        response={202: ImportJobOut, **errors(403, 404, 409)},
        summary=f"继续导入{kind.title}",
        description=(
            "导入中断(处理导入的后台程序退出)或中途失败(resumable=true)的任务从中断处继续："
            "已写入的批次不会重复写入。其他状态返回 409(import_not_resumable)。"
        ),
        url_name=f"import_resume_{kind.code}",
    )
    def resume(request, id: int):
        job = job_or_404(request.auth, id)
        return Status(202, services.import_resume(actor=request.auth, job=job))

    @router.get(
        "/{pk:id}/errors",
        response={200: None, **errors(403, 404)},
        summary=f"{kind.title}导入的未导入行(.xlsx)",
        url_name=f"import_errors_{kind.code}",
        openapi_extra={
            "responses": {200: {"description": "xlsx", "content": {XLSX_CONTENT_TYPE: {}}}}
        },
    )
    def error_sheet(request, id: int):
        job = job_or_404(request.auth, id)
        return _sheet(job, services.import_errors_export(actor=request.auth, job=job))

    @router.post(
        "/{pk:id}/errors/unmasked",
        response={200: None, **errors(403, 404, 422)},
        summary=f"{kind.title}导入的未导入行(完整信息，.xlsx)",
        description="须有查看敏感信息权限并填写原因(记入审计日志)；用于修改后重新上传。",
        url_name=f"import_errors_unmasked_{kind.code}",
        openapi_extra={
            "responses": {200: {"description": "xlsx", "content": {XLSX_CONTENT_TYPE: {}}}}
        },
    )
    def error_sheet_unmasked(request, id: int, payload: ReasonIn):
        require(request.auth, kind.module, Action.VIEW_SENSITIVE)
        job = job_or_404(request.auth, id)
        if not services.import_errors_may_unmask(request.auth, job):
            raise NotFound()
        return _sheet(
            job, services.import_errors_export(actor=request.auth, job=job, reason=payload.reason)
        )

    @router.delete(
        "/{pk:id}",
        response={200: ImportJobOut, **errors(403, 404, 409)},
        summary=f"放弃{kind.title}导入",
        description="删除已上传的文件；导入中或已完成的任务返回 409。",
        url_name=f"import_discard_{kind.code}",
    )
    def discard(request, id: int):
        job = job_or_404(request.auth, id)
        return services.import_discard(actor=request.auth, job=job)

    return router
