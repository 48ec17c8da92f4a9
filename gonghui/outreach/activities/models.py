"""Union activities (活动): lectures (职工大讲堂), theme education and preaching (主题教育、宣讲),
policies to enterprises (送政策进企业), model workers and craftsmen to schools (劳模工匠进校园),
law-abiding public preaching (尊法守法公益宣讲), and the culture caravan's film and stage shows.

Attendance is either a head count typed by staff or a list of names, checked in by the
attendees themselves on the portal (a QR code shown at the event) or by staff. `attendance`
holds the figure either way (the list's length is kept in step under the activity's lock), so
statistics sum one column."""

import secrets

from django.conf import settings
from django.db import models

from gonghui.orgs.models import OrgOwned

__all__ = [
    "Activity",
    "ActivityAttendee",
    "ActivityKind",
    "ActivityPhoto",
    "ActivityStatus",
    "AttendanceMode",
    "checkin_token_new",
]


class ActivityKind(models.TextChoices):
    LECTURE = "lecture", "职工大讲堂"
    THEME_EDUCATION = "theme_education", "主题教育"
    PREACHING = "preaching", "宣讲"
    POLICY_TO_ENTERPRISE = "policy_to_enterprise", "送政策进企业"
    MODELS_TO_SCHOOL = "models_to_school", "劳模工匠进校园"
    LAW_PREACHING = "law_preaching", "尊法守法公益宣讲"
    FILM = "film", "电影放映"
    STAGE = "stage", "文艺演出"
    OTHER = "other", "其他活动"


class AttendanceMode(models.TextChoices):
    COUNT = "count", "登记人数"
    NAMES = "names", "签到名单"


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    HELD = "held", "已举办"
    CANCELLED = "cancelled", "已取消"


def checkin_token_new() -> str:
    return secrets.token_urlsafe(12)


class Activity(OrgOwned):
    kind = models.CharField("活动类型", max_length=24, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=100)
    organiser = models.CharField("主办单位", max_length=100, blank=True)
    starts_at = models.DateTimeField("活动时间")
    place = models.CharField("地点", max_length=150)
    audience = models.CharField("参加对象", max_length=100, blank=True)
    stop = models.ForeignKey(
        "outreach.CaravanStop",
        verbose_name="大篷车站次",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    attendance_mode = models.CharField(
        "参加人数统计方式",
        max_length=6,
        choices=AttendanceMode.choices,
        default=AttendanceMode.COUNT,
    )
    attendance = models.PositiveIntegerField("参加人数", default=0)
    checkin_token = models.CharField(max_length=24, unique=True, default=checkin_token_new)
    checkin_open = models.BooleanField("开放扫码签到", default=False)
    summary = models.TextField("活动小结", blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org_anchor", "starts_at"], name="activity_anchor_starts"),
            models.Index(fields=["status", "starts_at"], name="activity_status_starts"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivityAttendee(models.Model):
    """A name on an activity's list. `name_key` (name + unit, normalised) makes a second
    check-in of the same person a no-op."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendees")
    name = models.CharField("姓名", max_length=50)
    unit = models.CharField("单位", max_length=100, blank=True)
    name_key = models.CharField(max_length=160, editable=False)
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField("工作人员代签", default=False)
    checked_in_at = models.DateTimeField("签到时间", auto_now_add=True)
    ip_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = "活动签到"
        verbose_name_plural = "活动签到"
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "name_key"], name="attendee_once"),
        ]

    def __str__(self) -> str:
        return self.name


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField("照片", upload_to="outreach/activities/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["activity", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name
