"""Shared model bases (TimeStamped) and core's own models. The org-owned base, `OrgOwned`,
lives next to Org (gonghui/orgs/models.py): core depends on no domain app."""

from django.db import models

from gonghui.core.fields import ByteOrderCharField


class TimeStamped(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class RateCounter(models.Model):
    """One rate-limit counter (gonghui.core.ratelimit): the hits of `key` in the window that
    ends at `window_end_ms` (Unix time in milliseconds). Rows are reused window after window
    and deleted some time after their window ended. On PostgreSQL the table is UNLOGGED
    (migration core 0005): counters are not worth a WAL write, and a crash only resets them."""

    key = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField()
    window_end_ms = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["window_end_ms"], name="ratecounter_window_end")]

    def __str__(self) -> str:
        return f"{self.key}: {self.hits}"


class KeyRotation(models.Model):
    """One data-key rotation (`gonghui rotate-data-key`, gonghui/core/rotation.py): where the
    re-encryption stands (the last primary key done per model), so an interrupted run resumes,
    and when the stored keyed hashes were re-keyed (finished_at), which `crypto.lookup_key`
    reads. Keys appear only as fingerprints."""

    old_fingerprint = models.CharField("原密钥指纹", max_length=16)
    new_fingerprint = models.CharField("新密钥指纹", max_length=16)
    started_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    progress = models.JSONField("进度", default=dict)
    re_encrypted = models.PositiveBigIntegerField("已重新加密的值", default=0)
    hashes_rekeyed = models.PositiveBigIntegerField("已更新的查找哈希", default=0)

    class Meta:
        verbose_name = "数据密钥轮换"
        verbose_name_plural = "数据密钥轮换"
        constraints = [
            models.UniqueConstraint(
                fields=["old_fingerprint", "new_fingerprint"], name="key_rotation_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.old_fingerprint} → {self.new_fingerprint}"


class KeyRotationHash(models.Model):
    """A keyed hash under the old key and the same value's hash under the new key, gathered
    while re-encrypting; applied to every KeyedHashField column at the end, then deleted."""

    old_hash = ByteOrderCharField(max_length=64, primary_key=True)
    new_hash = ByteOrderCharField(max_length=64)

    def __str__(self) -> str:
        return self.old_hash


from gonghui.core.imports.models import ImportJob  # noqa: E402,F401


class MetricTally(models.Model):
    """A tallied count measure's value for one group of records on one day, one month or now
    (gonghui.core.tallies). A group is the records' township anchor, or their org when it lies
    above the townships (records with no anchor)."""

    table = models.CharField(max_length=63)
    code = models.CharField(max_length=100)
    group_id = models.BigIntegerField()
    span = models.CharField(max_length=1)  # "d" a day, "m" a month (first day), "s" the state
    day = models.DateField(null=True)
    value = models.DecimalField(max_digits=24, decimal_places=6)

    class Meta:
        indexes = [
            models.Index(fields=["code", "span", "group_id", "day"], name="metrictally_read"),
            models.Index(fields=["table", "group_id"], name="metrictally_table_group"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.group_id} {self.span} {self.day}: {self.value}"


class MetricTallyState(models.Model):
    """When a table's tallies were built, from which measure definitions (their fingerprint)."""

    table = models.CharField(max_length=63, primary_key=True)
    fingerprint = models.CharField(max_length=64)
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.table} {self.fingerprint[:8]}"


class MetricTallyDirty(models.Model):
    """A group whose records changed since its tallies were counted, appended by the table's
    database triggers (no unique key: concurrent writers never wait on each other here)."""

    table = models.CharField(max_length=63)
    group_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["table"], name="metrictallydirty_table")]

    def __str__(self) -> str:
        return f"{self.table} {self.group_id}"
