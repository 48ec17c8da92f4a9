"""Demo wage checks: a joint campaign with the human-resources bureau focused on construction
sites and couriers, records with the checklist, and findings at every step of 一函两书 (none
yet, prompt waiting, prompt overdue, opinion, recommendation, resolved with money recovered),
the first ones with a (drawn, synthetic) site photo."""

import datetime
import io
import random
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.orgs.models import Enterprise, Industry, Org
from gonghui.rights.wagechecks.models import NoticeSettings, NoticeStep
from gonghui.rights.wagechecks.services import (
    finding_create,
    finding_photo_add,
    finding_resolve,
    items_ensure,
    notice_draft,
    notice_issue,
    notice_reply_record,
    record_add,
    wagecheck_create,
)

STAGES = [
    "none",
    "prompt",
    "prompt_due",
    "opinion",
    "recommendation",
    "resolved",
    "resolved_direct",
    "draft",
]
PROBLEMS = {
    "on_time": "未按时发放工资，拖欠农民工 {m} 个月工资",
    "wage_account": "未设立农民工工资专用账户",
    "real_name": "农民工实名制管理台账不全",
    "overtime": "延长工作时间未支付加班工资",
}


def sample_image(name: str, lines: list[str]) -> SimpleUploadedFile:
    """A drawn PNG standing in for a photo or a scanned paper (demo only): grey card, the
    lines in the Noto CJK font when the machine has it."""
    from PIL import Image, ImageDraw, ImageFont

    from gonghui.core.pdf import font_files

    sans = font_files().get("sans")
    try:
        font = ImageFont.truetype(unquote(urlparse(sans).path), 30, index=2) if sans else None
    except OSError:
        font = None
    image = Image.new("RGB", (800, 600), (226, 230, 234))
    draw = ImageDraw.Draw(image)
    draw.rectangle((24, 24, 776, 576), outline=(150, 158, 166), width=4)
    for row, line in enumerate(["示例图片(演示数据)", *lines]):
        draw.text(
            (60, 70 + row * 60), line, fill=(40, 48, 56), font=font or ImageFont.load_default()
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return SimpleUploadedFile(Path(name).name, buffer.getvalue(), content_type="image/png")


def _issue(notice, day):
    return notice_issue(actor=None, notice=notice, issued_on=day)


def seed_wagechecks(*, county: Org, today: datetime.date, rng: random.Random) -> int:
    NoticeSettings.objects.get_or_create(
        org=county,
        defaults={
            "letterhead": "青禾县总工会",
            "number_prefix": "青工函",
            "labour_bureau": "青禾县人力资源和社会保障局",
            "copy_procuratorate": True,
            "procuratorate": "青禾县人民检察院",
            "address": "青禾县人民路 1 号",
            "phone": "0579-88001234",
            "contact": "县总工会法律工作部",
        },
    )
    items = items_ensure(county)
    campaign = wagecheck_create(
        actor=None,
        org=county,
        name=f"{today.year}年根治欠薪冬季专项行动",
        year=today.year,
        joint_with="青禾县人力资源和社会保障局",
        focus=["construction", "courier", "truck"],
        starts_on=today - datetime.timedelta(days=120),
        ends_on=today + datetime.timedelta(days=60),
    )
    employers = list(
        Enterprise.objects.filter(
            org__path__startswith=county.path, industry__in=[Industry.E, Industry.G, Industry.C]
        )
        .select_related("org")
        .order_by("pk")[: len(STAGES) + 6]
    )
    findings = 0
    for index, enterprise in enumerate(employers):
        checked = today - datetime.timedelta(days=110 - index * 3)
        stage = STAGES[index] if index < len(STAGES) else None
        construction = enterprise.industry == Industry.E
        results = {i.code: ("ok" if i.scope == "all" or construction else "na") for i in items}
        if stage:
            results["on_time"] = "fail"
            if construction:
                results["wage_account"] = "fail"
        record = record_add(
            actor=None,
            campaign=campaign,
            enterprise=enterprise,
            checked_on=checked,
            inspectors="县总工会 刘洋、县人社局 陈静",
            results=results,
            site_name=f"{enterprise.name.removeprefix('青禾')}项目工地" if construction else "",
        )
        if not stage:
            continue
        finding = finding_create(
            actor=None,
            enterprise=enterprise,
            record=record,
            item_code="on_time",
            description=PROBLEMS["on_time"].format(m=rng.randint(1, 3)),
            amount_owed=Decimal(rng.randrange(20_000, 400_000, 100)),
            workers_affected=rng.randint(4, 40),
            found_on=checked,
        )
        findings += 1
        if findings <= 3:
            finding_photo_add(
                actor=None,
                finding=finding,
                upload=sample_image(
                    "现场照片.png", [enterprise.name[:20], f"检查日期 {checked:%Y-%m-%d}"]
                ),
            )
        if stage == "none":
            continue
        if stage == "draft":
            notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT)
            continue
        if stage == "resolved_direct":
            finding_resolve(
                actor=None,
                finding=finding,
                resolved_on=checked + datetime.timedelta(days=9),
                amount_recovered=finding.amount_owed,
                note="检查后当即整改，已补发",
            )
            continue
        issued = (
            today - datetime.timedelta(days=5)
            if stage == "prompt"
            else checked + datetime.timedelta(days=2)
        )
        prompt = _issue(notice_draft(actor=None, finding=finding, step=NoticeStep.PROMPT), issued)
        if stage in ("prompt", "prompt_due"):
            continue
        if stage == "resolved":
            notice_reply_record(
                actor=None,
                notice=prompt,
                replied_on=issued + datetime.timedelta(days=6),
                text="已筹措资金，分两批补发",
            )
            finding_resolve(
                actor=None,
                finding=finding,
                resolved_on=issued + datetime.timedelta(days=12),
                amount_recovered=finding.amount_owed,
                note="已全额补发",
            )
            continue
        opinion = _issue(
            notice_draft(actor=None, finding=finding, step=NoticeStep.OPINION),
            prompt.deadline + datetime.timedelta(days=2),
        )
        if stage == "opinion":
            continue
        _issue(
            notice_draft(actor=None, finding=finding, step=NoticeStep.RECOMMENDATION),
            opinion.deadline + datetime.timedelta(days=2),
        )
    return findings
