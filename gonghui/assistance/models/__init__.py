"""Hardship archives and their configuration (DESIGN §4).

archive.py: the household archive, its members, attachments, trail, category history,
reviews and spot-check draws. standards.py: the county's 低保 standard and thresholds,
kept as history (a new row, never an overwrite).
"""

from gonghui.assistance.models.archive import (
    ArchiveAssessment,
    ArchiveAttachment,
    ArchiveReview,
    ArchiveStep,
    HardshipArchive,
    HouseholdMember,
    SpotCheckDraw,
)
from gonghui.assistance.models.monitoring import (
    Alert,
    DisasterEvent,
    EmploymentReport,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
    MonitoringRun,
    RuleSetting,
    SchoolingExpense,
)
from gonghui.assistance.models.programmes import (
    Grant,
    Programme,
    ProgrammeBudget,
    ProgrammeRule,
)
from gonghui.assistance.models.standards import AssistanceThresholds, LivingAllowanceStandard
from gonghui.assistance.models.visits import Visit, VisitPhoto

__all__ = [
    "Alert",
    "DisasterEvent",
    "EmploymentReport",
    "JobLossReport",
    "MedicalExpense",
    "MonitoringRule",
    "MonitoringRun",
    "RuleSetting",
    "SchoolingExpense",
    "ArchiveAssessment",
    "ArchiveAttachment",
    "ArchiveReview",
    "ArchiveStep",
    "AssistanceThresholds",
    "HardshipArchive",
    "HouseholdMember",
    "LivingAllowanceStandard",
    "SpotCheckDraw",
    "Grant",
    "Programme",
    "ProgrammeBudget",
    "ProgrammeRule",
    "Visit",
    "VisitPhoto",
]
