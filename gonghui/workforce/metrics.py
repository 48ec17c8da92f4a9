"""The workforce module's countable measures (the metric registry, gonghui.core.metrics).

Plans count against these ("≥ 25 competitions run by townships and systems", "≥ 300 mentor
pairs", "≥ 30 team-training sessions", "60 excellent teams", "3 new innovation studios");
the statistics page shows the same figures through them, so the two never disagree.
"""

from django.db.models import Sum

from gonghui.core.metrics import Count, Ratio, register

MODULE = "workforce"


def _held_competitions():
    from gonghui.workforce.choices import UPPER_LEVELS
    from gonghui.workforce.competitions.models import HELD_STATUSES, Competition

    return Competition.objects.filter(status__in=HELD_STATUSES).exclude(level__in=UPPER_LEVELS)


def _skills_competitions():
    from gonghui.workforce.competitions.models import CompetitionKind

    return _held_competitions().filter(kind=CompetitionKind.SKILLS)


def _skills_trades():
    from gonghui.workforce.competitions.models import Competition

    return Competition.trades.through.objects.filter(competition__in=_skills_competitions())


def _entrants():
    from gonghui.workforce.competitions.models import HELD_STATUSES, Entry, EntryStatus

    return Entry.objects.filter(
        status=EntryStatus.REGISTERED, competition__status__in=HELD_STATUSES
    )


def _titles():
    from gonghui.workforce.honours.models import Honour, HonourKind

    return Honour.objects.filter(kind=HonourKind.TITLE, revoked=False)


def _grade_promotions():
    from gonghui.workforce.honours.models import Honour

    return Honour.objects.filter(grade_steps__gt=0, revoked=False)


def _trainings():
    from gonghui.workforce.pioneers.models import TeamTraining

    return TeamTraining.objects.all()


def _excellent_teams():
    from gonghui.workforce.pioneers.models import ExcellentTeam, ExcellentTeamStatus

    return ExcellentTeam.objects.filter(status=ExcellentTeamStatus.SELECTED)


def _pioneer_teams():
    from gonghui.workforce.pioneers.models import Nomination, NominationKind, NominationStatus

    return Nomination.objects.filter(
        kind=NominationKind.PIONEER,
        status__in=(NominationStatus.APPROVED, NominationStatus.REVOKED),
    )


def _studios_named():
    from gonghui.workforce.studios.models import InnovationStudio, StudioStatus

    return InnovationStudio.objects.filter(status=StudioStatus.NAMED)


def _studios_new():
    from gonghui.workforce.studios.models import InnovationStudio, StudioStatus

    return InnovationStudio.objects.filter(
        status__in=(StudioStatus.NAMED, StudioStatus.REVOKED), named_on__isnull=False
    )


def _studios_county_up():
    from gonghui.workforce.studios.models import StudioLevel

    return _studios_named().filter(
        level__in=(StudioLevel.COUNTY, StudioLevel.CITY, StudioLevel.PROVINCE, StudioLevel.NATIONAL)
    )


def _mentorships():
    from gonghui.workforce.mentorships.models import Mentorship

    return Mentorship.objects.all()


def _mentorships_completed():
    from gonghui.workforce.choices import AppraisalResult
    from gonghui.workforce.mentorships.models import Mentorship, MentorshipStatus

    return Mentorship.objects.filter(
        status=MentorshipStatus.COMPLETED,
        result__in=(AppraisalResult.EXCELLENT, AppraisalResult.PASS),
    )


def _innovations():
    from gonghui.workforce.innovations.models import SmallInnovation

    return SmallInnovation.objects.all()


def _innovations_awarded():
    from gonghui.workforce.innovations.models import InnovationStatus, SmallInnovation

    return SmallInnovation.objects.filter(status=InnovationStatus.AWARDED)


def _suggestions():
    from gonghui.workforce.innovations.models import Suggestion

    return Suggestion.objects.all()


def _suggestions_adopted():
    from gonghui.workforce.innovations.models import Suggestion, SuggestionStatus

    return Suggestion.objects.filter(status=SuggestionStatus.ADOPTED)


def _records(name: str):
    """A drill-down to the module's list of the records a measure counts, narrowed to the
    org's subtree (`org`) and to the period's year when the period lies within one year
    (the lists filter by year)."""

    def url(org, period) -> str:
        from django.urls import reverse

        year = ""
        if (
            period is not None
            and period.start is not None
            and (period.start.year == period.end.year)
        ):
            year = f"&year={period.end.year}"
        return reverse(name) + f"?org={org.pk}{year}"

    return url


def _held_competitions_url(org, period) -> str:
    """The competitions list narrowed like the measure: started (the list's `status=held`)
    and starting in the period by `starts_on` (its date range; the list's `year` filter is
    the competition's own year field, which may differ from when it started)."""
    from django.urls import reverse

    dates = ""
    if period is not None:
        if period.start is not None:
            dates = f"&date_from={period.start.isoformat()}"
        dates += f"&date_to={period.end.isoformat()}"
    return reverse("workforce:competition_list") + f"?org={org.pk}&status=held{dates}"


register(
    Count(
        code="workforce.competitions.held",
        name="举办竞赛",
        unit="场",
        module=MODULE,
        rule="开始日期在统计期间内、已开赛(进行中、成绩已公布或已表彰)的竞赛，按组织单位统计；不含记录的市级及以上竞赛",
        records=_held_competitions,
        date_field="starts_on",
        drilldown=_held_competitions_url,
    ),
    Count(
        code="workforce.competitions.skills_held",
        name="举办职业技能竞赛",
        unit="场",
        module=MODULE,
        rule="举办竞赛中的职业技能竞赛",
        records=_skills_competitions,
        date_field="starts_on",
    ),
    Count(
        code="workforce.competitions.skills_trades",
        name="职业技能竞赛工种",
        unit="个",
        module=MODULE,
        rule="举办的职业技能竞赛所设工种，一场竞赛的每个工种计一次",
        records=_skills_trades,
        date_field="competition__starts_on",
        org_field="competition__org",
    ),
    Count(
        code="workforce.competitions.entrants",
        name="参赛人次",
        unit="人次",
        module=MODULE,
        rule="开始日期在统计期间内的已开赛竞赛(含记录的上级竞赛)的报名选手(不含候补和退出)，按选手所在工会统计",
        records=_entrants,
        date_field="competition__starts_on",
    ),
    Count(
        code="workforce.competitions.titles",
        name="竞赛获得称号",
        unit="人次",
        module=MODULE,
        rule="授予日期在统计期间内的竞赛称号(技术能手等，不含已撤销)，按获得者所在工会统计",
        records=_titles,
        date_field="awarded_on",
    ),
    Count(
        code="workforce.competitions.grade_promotions",
        name="竞赛技能等级晋升",
        unit="人次",
        module=MODULE,
        rule="授予日期在统计期间内、带技能等级晋升的竞赛奖励",
        records=_grade_promotions,
        date_field="awarded_on",
    ),
    Count(
        code="workforce.team_trainings.held",
        name="班组培训",
        unit="场",
        module=MODULE,
        rule="培训日期在统计期间内的班组培训，按组织单位统计",
        records=_trainings,
        date_field="held_on",
    ),
    Count(
        code="workforce.team_trainings.attendees",
        name="班组培训参训",
        unit="人次",
        module=MODULE,
        rule="统计期间内班组培训的参训人数合计",
        records=_trainings,
        date_field="held_on",
        aggregate=lambda: Sum("attendees"),
    ),
    Count(
        code="workforce.excellent_teams",
        name="优秀班组",
        unit="个",
        module=MODULE,
        rule="评选日期在统计期间内评上的优秀班组",
        records=_excellent_teams,
        date_field="selected_on",
    ),
    Count(
        code="workforce.pioneer_teams",
        name="工人先锋号",
        unit="个",
        module=MODULE,
        rule="命名日期在统计期间内的工人先锋号(含其后摘牌的)",
        records=_pioneer_teams,
        date_field="approved_on",
    ),
    Count(
        code="workforce.studios.new",
        name="新命名创新工作室",
        unit="个",
        module=MODULE,
        rule="命名日期在统计期间内的创新工作室(含其后撤销的)",
        records=_studios_new,
        date_field="named_on",
    ),
    Count(
        code="workforce.studios.named",
        name="已命名创新工作室",
        unit="个",
        module=MODULE,
        rule="截至统计期末已命名、目前仍有效的创新工作室",
        records=_studios_named,
        date_field="named_on",
    ),
    Count(
        code="workforce.studios.county_or_above",
        name="县级及以上示范性创新工作室",
        unit="个",
        module=MODULE,
        rule="已命名创新工作室中命名级别为县级示范性及以上的",
        records=_studios_county_up,
        date_field="named_on",
    ),
    Count(
        code="workforce.mentorships.signed",
        name="名师带徒结对",
        unit="对",
        module=MODULE,
        rule="协议签订日期在统计期间内的师徒结对，按徒弟所在工会统计",
        records=_mentorships,
        date_field="signed_on",
        drilldown=_records("workforce:mentorship_list"),
    ),
    Count(
        code="workforce.mentorships.completed",
        name="徒弟出师",
        unit="人",
        module=MODULE,
        rule="考评日期在统计期间内、出师考评合格或优秀的",
        records=_mentorships_completed,
        date_field="appraised_on",
    ),
    Count(
        code="workforce.innovations.submitted",
        name="五小成果",
        unit="项",
        module=MODULE,
        rule="提交时间在统计期间内的五小成果(小发明、小创造、小革新、小设计、小建议/小改造)",
        records=_innovations,
        date_field="submitted_at",
    ),
    Count(
        code="workforce.innovations.awarded",
        name="获奖五小成果",
        unit="项",
        module=MODULE,
        rule="评定日期在统计期间内获奖的五小成果",
        records=_innovations_awarded,
        date_field="decided_on",
    ),
    Count(
        code="workforce.innovations.benefit",
        name="五小成果申报效益",
        unit="元",
        module=MODULE,
        rule="统计期间内提交的五小成果的申报效益合计",
        records=_innovations,
        date_field="submitted_at",
        aggregate=lambda: Sum("claimed_benefit"),
    ),
    Count(
        code="workforce.innovations.suggestions",
        name="合理化建议",
        unit="条",
        module=MODULE,
        rule="提交时间在统计期间内的合理化建议(与五小成果分开统计)",
        records=_suggestions,
        date_field="submitted_at",
    ),
    Count(
        code="workforce.innovations.suggestions_adopted",
        name="采纳的合理化建议",
        unit="条",
        module=MODULE,
        rule="处理日期在统计期间内被采纳的合理化建议",
        records=_suggestions_adopted,
        date_field="decided_on",
    ),
    Ratio(
        code="workforce.innovations.suggestion_adoption",
        name="合理化建议采纳率",
        module=MODULE,
        rule="采纳的合理化建议 ÷ 合理化建议",
        numerator="workforce.innovations.suggestions_adopted",
        denominator="workforce.innovations.suggestions",
    ),
)
