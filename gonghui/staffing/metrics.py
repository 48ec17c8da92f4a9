"""Staffing's countable measures (the metric registry, gonghui.core.metrics)."""

from django.db.models import Sum

from gonghui.core.metrics import Count, register


def _workers():
    from gonghui.staffing.models import SocialWorker, WorkerStatus

    return SocialWorker.objects.filter(status=WorkerStatus.ACTIVE)


def _posts():
    from gonghui.staffing.models import Post

    return Post.objects.filter(is_active=True)


def _vacant_posts():
    from gonghui.staffing.models import Post

    return Post.objects.filter(is_active=True, holder__isnull=True)


def _trainings():
    from gonghui.staffing.models import Training

    return Training.objects.all()


def _appraisals_published():
    from gonghui.staffing.models import Appraisal, AppraisalStatus

    return Appraisal.objects.filter(status=AppraisalStatus.PUBLISHED)


def _results(result: str):
    def records():
        from gonghui.staffing.models import Appraisal, AppraisalStatus

        return Appraisal.objects.filter(status=AppraisalStatus.PUBLISHED, result=result)

    return records


RESULT_MEASURES = {
    "excellent": ("staffing.appraisals_excellent", "考核优秀"),
    "competent": ("staffing.appraisals_competent", "考核称职"),
    "basic": ("staffing.appraisals_basic", "考核基本称职"),
    "unfit": ("staffing.appraisals_unfit", "考核不称职"),
}

register(
    *(
        Count(
            code=code,
            name=name,
            unit="人次",
            module="staffing",
            rule=f"考核期结束日期在统计期间内、已公布且等次为“{name[2:]}”的考核(季度与年度)",
            records=_results(result),
            date_field="period_end",
        )
        for result, (code, name) in RESULT_MEASURES.items()
    ),
    Count(
        code="staffing.workers",
        name="在岗社会化工会工作者",
        unit="人",
        module="staffing",
        rule="状态为在岗的社会化工会工作者(按服务的工会计)",
        records=_workers,
    ),
    Count(
        code="staffing.posts",
        name="社工岗位",
        unit="个",
        module="staffing",
        rule="启用的社工岗位",
        records=_posts,
    ),
    Count(
        code="staffing.vacant_posts",
        name="空缺社工岗位",
        unit="个",
        module="staffing",
        rule="启用且无人在岗的社工岗位",
        records=_vacant_posts,
    ),
    Count(
        code="staffing.training_records",
        name="社工培训人次",
        unit="人次",
        module="staffing",
        rule="培训日期在统计期间内的培训记录",
        records=_trainings,
        date_field="day",
    ),
    Count(
        code="staffing.training_hours",
        name="社工培训学时",
        unit="学时",
        module="staffing",
        rule="培训日期在统计期间内的培训记录的学时合计",
        records=_trainings,
        date_field="day",
        aggregate=lambda: Sum("hours"),
    ),
    Count(
        code="staffing.appraisals_published",
        name="已公布的社工考核",
        unit="人次",
        module="staffing",
        rule="考核期结束日期在统计期间内、已公布的考核",
        records=_appraisals_published,
        date_field="period_end",
    ),
)
