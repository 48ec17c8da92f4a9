"""The forum's measures (gonghui.core.metrics): articles received, accepted and published,
by the org the article comes from and the date it was received. The statistics page counts
with the same rules (tests/test_metrics.py holds them together)."""

from gonghui.core.metrics import Count, Ratio, register

ACCEPTED_STATES = ("accepted", "scheduled", "published")


def _submissions():
    from gonghui.forum.models import Submission

    return Submission.objects.all()


def _accepted():
    return _submissions().filter(status__in=ACCEPTED_STATES)


def _published():
    return _submissions().filter(status="published")


register(
    Count(
        code="forum.submissions",
        name="主席论坛来稿",
        unit="篇",
        module="forum",
        rule="期间内收到的稿件(平台投稿与公开投稿)，按来稿单位统计",
        records=_submissions,
        date_field="created_at",
    ),
    Count(
        code="forum.accepted",
        name="主席论坛录用稿件",
        unit="篇",
        module="forum",
        rule="期间内收到、经三审录用的稿件(含已编入版面和已刊发)",
        records=_accepted,
        date_field="created_at",
    ),
    Count(
        code="forum.published",
        name="主席论坛刊发稿件",
        unit="篇",
        module="forum",
        rule="期间内收到、已随一期发布的稿件",
        records=_published,
        date_field="created_at",
    ),
    Ratio(
        code="forum.acceptance_rate",
        name="主席论坛录用率",
        module="forum",
        rule="录用稿件 ÷ 来稿 × 100%",
        numerator="forum.accepted",
        denominator="forum.submissions",
    ),
)
