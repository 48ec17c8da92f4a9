"""Shared model bases."""

from django.db import models


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class OrgOwned(TimeStamped):
    """Every record belongs to an org; scope is applied through this field."""

    org = models.ForeignKey(
        "orgs.Org", verbose_name="所属组织", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True


from gonghui.core.imports.models import ImportJob  # noqa: E402,F401
