"""Data-key rotation (`gonghui rotate-data-key`): every encrypted value and every keyed hash
moves from the old key (GONGHUI_DATA_KEY_OLD) to the new one (GONGHUI_DATA_KEY).

What is encrypted is found by field class, never by a list: every EncryptedTextField of every
installed model is re-encrypted, every KeyedHashField re-keyed. Two stages:

1. Re-encryption, online and in batches: per model, rows in primary-key order, each batch in
   its own transaction with its rows locked (FOR UPDATE), so the app's own writes are never
   overwritten. The batch also records, for each value a KeyedHashField hashes, the value's
   hash under the old key and under the new (KeyRotationHash). The last primary key done is
   saved with the batch (KeyRotation.progress): an interrupted run resumes where it stopped.
   Meanwhile the app reads either key, writes the new one, and keeps hashing with the old key,
   so lookups and unique checks see one consistent set of hashes throughout.
2. Re-keying the hashes, in one transaction and with the app stopped: first the hashes the
   app wrote after their rows' batch are added to the map (from the rows' own values), then
   every table's KeyedHashField columns are rewritten old → new with one UPDATE, so the whole
   database switches at once (uniqueness holds: the map is one-to-one). The rotation is then
   finished, which tells every process started afterwards to hash with the new key
   (`crypto.lookup_key`). While any other session is connected (PostgreSQL), this stage waits
   for the operator to stop the web and task processes: one that kept hashing with the old key
   after the switch would miss every lookup.

Every stage is audited. Import spill files (encrypted with `encrypt_bytes`) are temporary: they
are read with either key while both are configured.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from gonghui.core import crypto
from gonghui.core.fields import EncryptedTextField, KeyedHashField
from gonghui.core.models import KeyRotation, KeyRotationHash

BATCH_SIZE = 1000


class RotationError(Exception):
    """Why the rotation cannot go on, in Chinese for the operator."""


@dataclass(frozen=True)
class EncryptedModel:
    model: type[models.Model]
    fields: tuple[EncryptedTextField, ...]
    hashed: frozenset[str]  # attnames of the fields some KeyedHashField hashes

    @property
    def label(self) -> str:
        return self.model._meta.label


def _concrete_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and model._meta.managed:
            yield model


def encrypted_models() -> list[EncryptedModel]:
    """Every model with an EncryptedTextField, with its fields, in label order."""
    found = []
    for model in _concrete_models():
        fields = tuple(
            f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)
        )
        if fields:
            hashed = frozenset(f.source for _, f in _hash_fields_of(model) if f.source)
            found.append(EncryptedModel(model, fields, hashed))
    return sorted(found, key=lambda m: m.label)


def _hash_fields_of(model) -> list[tuple[type[models.Model], KeyedHashField]]:
    return [(model, f) for f in model._meta.local_concrete_fields if isinstance(f, KeyedHashField)]


def hash_fields() -> list[tuple[type[models.Model], KeyedHashField]]:
    """Every KeyedHashField column: (model, field), in label order."""
    found = [pair for model in _concrete_models() for pair in _hash_fields_of(model)]
    return sorted(found, key=lambda pair: (pair[0]._meta.label, pair[1].name))


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _fingerprints() -> tuple[str, str]:
    if not settings.DATA_KEY_OLD:
        raise RotationError(
            "请把旧密钥设为 GONGHUI_DATA_KEY_OLD、新密钥设为 GONGHUI_DATA_KEY，"
            "重启网站和后台任务进程后再运行。"
        )
    old, new = crypto.key_fingerprint(settings.DATA_KEY_OLD), crypto.key_fingerprint()
    if old == new:
        raise RotationError("GONGHUI_DATA_KEY_OLD 与 GONGHUI_DATA_KEY 相同：请设置一个新的密钥。")
    return old, new


def rekeyed(fingerprint: str) -> bool:
    """Whether a finished rotation re-keyed the stored hashes to the key with this
    fingerprint (asked by `crypto.lookup_key`, which cannot import the models)."""
    return KeyRotation.objects.filter(
        new_fingerprint=fingerprint, finished_at__isnull=False
    ).exists()


def rotation_current() -> KeyRotation | None:
    """The rotation for the configured keys, if one was started."""
    old, new = _fingerprints()
    return KeyRotation.objects.filter(old_fingerprint=old, new_fingerprint=new).first()


def rotation_start() -> tuple[KeyRotation, bool]:
    """(rotation, created): start a rotation for the configured keys, or return the one
    already started (to resume it). Refuses while another rotation is unfinished."""
    from gonghui.core.audit import AuditAction, audit_record

    old, new = _fingerprints()
    with transaction.atomic():
        other = (
            KeyRotation.objects.filter(finished_at__isnull=True)
            .exclude(old_fingerprint=old, new_fingerprint=new)
            .first()
        )
        if other is not None:
            raise RotationError(
                f"另一次密钥轮换(原密钥指纹 {other.old_fingerprint} → 新密钥指纹 "
                f"{other.new_fingerprint})尚未完成：请用那一对密钥完成它后再轮换。"
            )
        rotation, created = KeyRotation.objects.get_or_create(
            old_fingerprint=old, new_fingerprint=new
        )
        if rotation.finished_at is None:
            audit_record(
                action=AuditAction.DATA_KEY_ROTATION,
                username="命令行",
                detail={
                    "phase": "start" if created else "resume",
                    "key_fingerprint": new,
                    "re_encrypted": rotation.re_encrypted,
                },
            )
    return rotation, created


def _open(value: str, where: str) -> tuple[str, bool]:
    try:
        return crypto.decrypt_rekey(value)
    except Exception as exc:  # InvalidTag, a damaged token
        raise RotationError(
            f"{where} 中有一个值既不能用 GONGHUI_DATA_KEY 也不能用 GONGHUI_DATA_KEY_OLD 解密："
            "请检查两个密钥是否正确。"
        ) from exc


def rotation_batch(rotation: KeyRotation, spec: EncryptedModel, batch_size: int) -> int:
    """Re-encrypt the next batch of one model (stage 1). Returns the rows read (0: done)."""
    model = spec.model
    table, pk = _q(model._meta.db_table), _q(model._meta.pk.column)
    columns = [_q(f.column) for f in spec.fields]
    last = rotation.progress.get(spec.label)
    where = f"WHERE {pk} > %s " if last is not None else ""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    old_key, new_key = settings.DATA_KEY_OLD, settings.DATA_KEY
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk}, {', '.join(columns)} FROM {table} {where}"
                f"ORDER BY {pk} LIMIT %s{lock}",
                [*([last] if last is not None else []), batch_size],
            )
            rows = cursor.fetchall()
            if not rows:
                return 0
            updates, pairs, re_encrypted = [], {}, 0
            for pk_value, *values in rows:
                sealed, changed = [], False
                for field, value in zip(spec.fields, values, strict=True):
                    if not value:
                        sealed.append(value)
                        continue
                    plain, under_old = _open(value, spec.label)
                    if under_old:
                        value, changed = crypto.encrypt(plain), True
                        re_encrypted += 1
                    sealed.append(value)
                    if field.attname in spec.hashed:
                        pairs[crypto.keyed_hash_with(plain, old_key)] = crypto.keyed_hash_with(
                            plain, new_key
                        )
                if changed:
                    updates.append((*sealed, pk_value))
            if updates:
                assignments = ", ".join(f"{c} = %s" for c in columns)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", updates)
        KeyRotationHash.objects.bulk_create(
            [KeyRotationHash(old_hash=o, new_hash=n) for o, n in pairs.items()],
            ignore_conflicts=True,
        )
        rotation.progress[spec.label] = rows[-1][0]
        rotation.re_encrypted += re_encrypted
        rotation.save(update_fields=["progress", "re_encrypted"])
    return len(rows)


def rotation_re_encrypt(
    rotation: KeyRotation,
    *,
    batch_size: int = BATCH_SIZE,
    report: Callable[[str, int], None] = lambda label, rows: None,
) -> None:
    """Stage 1 for every model, from where the last run stopped."""
    for spec in encrypted_models():
        while rows := rotation_batch(rotation, spec, batch_size):
            report(spec.label, rows)


def other_sessions() -> int:
    """Sessions of other processes on this database (PostgreSQL; elsewhere unknown: 0)."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return cursor.fetchone()[0]


def _unmapped(table: str, column: str) -> str:
    """SQL condition: the column holds a hash the map does not know."""
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    return (
        f"{column} <> '' AND NOT EXISTS (SELECT 1 FROM {_q(KeyRotationHash._meta.db_table)} m "
        f"WHERE m.old_hash = {table}.{column}{collate})"
    )


def _complete_map(old_key: str, new_key: str) -> list[tuple[str, str, str, object]]:
    """Map the hashes written since their rows' batch, from the rows' own values. Returns the
    rows whose stored hash is not the old hash of their value, to rewrite from the value:
    (table, pk column, hash column, new hash, pk)."""
    direct = []
    with connection.cursor() as cursor:
        for model, field in hash_fields():
            if not field.source:
                continue
            source = model._meta.get_field(field.source)
            table, pk, column = (
                _q(model._meta.db_table),
                _q(model._meta.pk.column),
                _q(field.column),
            )
            cursor.execute(
                f"SELECT {pk}, {column}, {_q(source.column)} FROM {table} "
                f"WHERE {_unmapped(table, column)}"
            )
            pairs = {}
            for pk_value, stored, value in cursor.fetchall():
                plain = _open(value, model._meta.label)[0] if value else ""
                if plain and crypto.keyed_hash_with(plain, old_key) == stored:
                    pairs[stored] = crypto.keyed_hash_with(plain, new_key)
                else:
                    new_hash = crypto.keyed_hash_with(plain, new_key) if plain else ""
                    direct.append((table, pk, column, new_hash, pk_value))
            KeyRotationHash.objects.bulk_create(
                [KeyRotationHash(old_hash=o, new_hash=n) for o, n in pairs.items()],
                ignore_conflicts=True,
            )
    return direct


def _apply_map() -> tuple[int, int]:
    """Rewrite every KeyedHashField column old → new, one UPDATE per table. Returns (hashes
    rewritten, hashes left under the old key because no record holds their value any more)."""
    mapping = _q(KeyRotationHash._meta.db_table)
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    by_table: dict[str, list[str]] = {}
    for model, field in hash_fields():
        by_table.setdefault(_q(model._meta.db_table), []).append(_q(field.column))
    rekeyed = orphaned = 0
    with connection.cursor() as cursor:
        for table, columns in by_table.items():
            for column in columns:
                cursor.execute(
                    f"SELECT count(*), count(*) FILTER (WHERE {_unmapped(table, column)}) "
                    f"FROM {table} WHERE {column} <> ''"
                    if connection.vendor == "postgresql"
                    else f"SELECT count(*), sum({_unmapped(table, column)}) FROM {table} "
                    f"WHERE {column} <> ''"
                )
                total, unmapped = cursor.fetchone()
                orphaned += unmapped or 0
                rekeyed += total - (unmapped or 0)
            assignments = ", ".join(
                f"{c} = COALESCE((SELECT m.new_hash FROM {mapping} m "
                f"WHERE m.old_hash = {table}.{c}{collate}), {c})"
                for c in columns
            )
            # EXISTS probes the map's primary key per row; IN (SELECT …) would scan the map
            # per row on PostgreSQL once it outgrows work_mem.
            where = " OR ".join(
                f"EXISTS (SELECT 1 FROM {mapping} m WHERE m.old_hash = {table}.{c}{collate})"
                for c in columns
            )
            cursor.execute(f"UPDATE {table} SET {assignments} WHERE {where}")
    return rekeyed, orphaned


def rotation_finish(
    rotation: KeyRotation, *, force: bool = False, batch_size: int = BATCH_SIZE
) -> tuple[KeyRotation, int]:
    """Stage 2: re-key every stored hash at once and finish the rotation. Returns the rotation
    and the number of hashes left under the old key (their value is on no record any more)."""
    from gonghui.core.audit import AuditAction, audit_record

    others = other_sessions()
    if others and not force:
        raise RotationError(
            f"重新加密已完成。数据库上还有 {others} 个其他连接(网站或后台任务进程)：切换查找哈希时"
            "必须先停止它们，否则它们会用旧密钥查找而找不到记录。请停止网站和后台任务进程，"
            "再运行一次本命令(只需几秒到几分钟)，然后重新启动它们。"
        )
    # Rows the app added after their model's pass (already under the new key) still bring
    # their hashes into the map; with the app stopped nothing changes after this.
    rotation_re_encrypt(rotation, batch_size=batch_size)
    with transaction.atomic():
        rotation = KeyRotation.objects.select_for_update().get(pk=rotation.pk)
        if rotation.finished_at is not None:
            return rotation, 0
        direct = _complete_map(settings.DATA_KEY_OLD, settings.DATA_KEY)
        rekeyed, orphaned = _apply_map()
        with connection.cursor() as cursor:
            for table, pk, column, new_hash, pk_value in direct:
                cursor.execute(
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [new_hash, pk_value]
                )
        # _apply_map counted these among the hashes it could not map.
        rekeyed, orphaned = rekeyed + len(direct), orphaned - len(direct)
        KeyRotationHash.objects.all().delete()
        rotation.finished_at = timezone.now()
        rotation.hashes_rekeyed = rekeyed
        rotation.save(update_fields=["finished_at", "hashes_rekeyed"])
        detail = {
            "phase": "finish",
            "key_fingerprint": rotation.new_fingerprint,
            "re_encrypted": rotation.re_encrypted,
            "hashes": rotation.hashes_rekeyed,
        }
        if orphaned:
            detail["orphaned_hashes"] = orphaned
        audit_record(action=AuditAction.DATA_KEY_ROTATION, username="命令行", detail=detail)
    crypto.lookup_key_forget()
    return rotation, orphaned
