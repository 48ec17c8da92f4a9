"""Backup and restore (`gonghui backup`, `gonghui restore`): one archive file holding the
database, the uploaded files and the fingerprint of the data key, never the key itself.

Archive (a tar file, mode 0600):

- `manifest.json`: format, time, database vendor, the fingerprints of the data keys the data
  needs (two during an unfinished key rotation), the latest migration of each app and the row
  count of every model, so a restore can say what it restored;
- `database.dump` (PostgreSQL, `pg_dump -Fc` in one snapshot) or `database.sqlite3` (SQLite's
  online backup);
- `media/…`: the files under MEDIA_ROOT (uploaded import files, photos, attachments).

A restore goes into an empty database only, and refuses before writing anything when the
configured data key is not the one the backup needs: encrypted fields would be unreadable.
"""

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from gonghui.core import crypto

FORMAT = "gonghui-backup"
VERSION = 1
MANIFEST = "manifest.json"
PG_DUMP = "database.dump"
SQLITE_DUMP = "database.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """Why a backup or restore cannot go on, in Chinese for the operator."""


@dataclass
class Restored:
    manifest: dict
    media_files: int
    counts: dict[str, int]


def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore: from GONGHUI_PG_BIN if set, else PATH, else the newest installed."""
    configured = os.environ.get("GONGHUI_PG_BIN")
    if configured:
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise BackupError(f"找不到 PostgreSQL 的 {name} 程序：请安装 postgresql-client。")


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    env = {**os.environ}
    for key, value in {
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGDATABASE": db.get("NAME"),
    }.items():
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what}失败：" + " ".join(detail))


def needed_key_fingerprints() -> list[str]:
    """The keys this database's data needs: during a rotation not yet finished, both."""
    current = crypto.key_fingerprint()
    if settings.DATA_KEY_OLD and crypto.lookup_key() != settings.DATA_KEY:
        return [current, crypto.key_fingerprint(settings.DATA_KEY_OLD)]
    return [current]


def _configured_key_fingerprints() -> set[str]:
    keys = {crypto.key_fingerprint()}
    if settings.DATA_KEY_OLD:
        keys.add(crypto.key_fingerprint(settings.DATA_KEY_OLD))
    return keys


def _counts() -> dict[str, int]:
    """Rows per model, for the models whose table exists (an older backup lacks newer ones)."""
    tables = set(connection.introspection.table_names())
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.managed and not model._meta.proxy and model._meta.db_table in tables
    }


def _migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def backup_create(*, output: Path) -> dict:
    """Write the archive to `output` (refusing to overwrite) and return its manifest."""
    from gonghui.core.audit import AuditAction, audit_record

    output = Path(output)
    if output.exists():
        raise BackupError(f"文件已存在：{output}。请换一个文件名。")
    if connection.vendor not in {"postgresql", "sqlite"}:
        raise BackupError(f"不支持备份 {connection.vendor} 数据库。")
    media = _media_files()
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "database": connection.vendor,
        "key_fingerprints": needed_key_fingerprints(),
        "migrations": _migrations(),
        "counts": _counts(),
        "media_files": len(media),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".gonghui-backup-") as tmp:
        if connection.vendor == "postgresql":
            dump = Path(tmp) / PG_DUMP
            _run([_pg_tool("pg_dump"), "-Fc", "-f", str(dump)], "导出数据库")
        else:
            # A session of its own, as pg_dump: the last committed state, whatever this one holds.
            dump = Path(tmp) / SQLITE_DUMP
            database = Path(connection.settings_dict["NAME"]).resolve().as_uri()
            source = sqlite3.connect(f"{database}?mode=ro", uri=True)
            target = sqlite3.connect(dump)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
        partial = output.with_name(output.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            tar.add(dump, arcname=dump.name)
            root = Path(settings.MEDIA_ROOT)
            added = 0
            for path in media:
                try:
                    tar.add(path, arcname=f"{MEDIA}/{path.relative_to(root).as_posix()}")
                except FileNotFoundError:
                    continue  # removed since the listing (an import's working file): not data
                added += 1
            # Written last (it is read by name) so that it counts the files really archived.
            manifest["media_files"] = added
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(timezone.now().timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
        partial.rename(output)
    audit_record(
        action=AuditAction.BACKUP_CREATED,
        username="命令行",
        detail={"file": output.name, "key_fingerprint": manifest["key_fingerprints"][0]},
    )
    return manifest


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, ValueError, AttributeError) as exc:
        raise BackupError("这不是本系统的备份文件(缺少 manifest.json)。") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError("这不是本系统的备份文件。")
    if manifest.get("version") != VERSION:
        raise BackupError(f"不支持的备份格式版本：{manifest.get('version')}。")
    return manifest


def _database_is_empty() -> bool:
    return not connection.introspection.table_names()


def _media_is_empty() -> bool:
    return not _media_files()


def restore_check(tar: tarfile.TarFile, *, skip_media: bool) -> dict:
    """Everything that can refuse a restore, before anything is written."""
    manifest = _read_manifest(tar)
    missing = [f for f in manifest["key_fingerprints"] if f not in _configured_key_fingerprints()]
    if missing:
        raise BackupError(
            f"备份所用的数据密钥(指纹 {'、'.join(missing)})与当前配置的 GONGHUI_DATA_KEY"
            f"(指纹 {crypto.key_fingerprint()})不一致，恢复后加密的个人信息(身份证号、手机号、"
            "银行账号等)将无法读取，因此没有恢复。请把 GONGHUI_DATA_KEY 设为备份时使用的密钥后重试。"
        )
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"这是 {manifest['database']} 数据库的备份，当前配置的是 {connection.vendor} 数据库。"
        )
    if not _database_is_empty():
        raise BackupError(
            "目标数据库不是空的：只能恢复到新建的空数据库，以免覆盖现有数据。"
            "请新建一个空数据库并让 GONGHUI_DATABASE_URL 指向它后重试。"
        )
    if not skip_media and manifest.get("media_files") and not _media_is_empty():
        raise BackupError(
            f"上传文件目录 {settings.MEDIA_ROOT} 中已有文件：请换一个空目录"
            "(GONGHUI_MEDIA_ROOT)，或加 --skip-media 只恢复数据库。"
        )
    return manifest


def _restore_database(tar: tarfile.TarFile, manifest: dict, tmp: Path) -> None:
    name = PG_DUMP if manifest["database"] == "postgresql" else SQLITE_DUMP
    member = tar.getmember(name)
    dump = tmp / name
    with tar.extractfile(member) as source, open(dump, "wb") as target:
        shutil.copyfileobj(source, target)
    if manifest["database"] == "postgresql":
        connection.close()
        _run(
            [
                _pg_tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "-d",
                str(connection.settings_dict["NAME"]),
                str(dump),
            ],
            "恢复数据库",
        )
        from gonghui.core import dbroles

        dbroles.grant_after_migrate(sender=None, using=connection.alias, verbosity=0)
    else:
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        connection.close()


def _restore_media(tar: tarfile.TarFile) -> int:
    root = Path(settings.MEDIA_ROOT)
    members = [m for m in tar.getmembers() if m.name.startswith(f"{MEDIA}/") and m.isfile()]
    with tempfile.TemporaryDirectory(dir=root.parent if root.parent.is_dir() else None) as tmp:
        # The "data" filter refuses absolute paths, "..", links and device files.
        tar.extractall(tmp, members=members, filter="data")
        root.mkdir(parents=True, exist_ok=True)
        for member in members:
            relative = Path(member.name).relative_to(MEDIA)
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(Path(tmp) / member.name, root / relative)
    return len(members)


def backup_restore(*, archive: Path, skip_media: bool = False) -> Restored:
    """Restore `archive` into the configured (empty) database and MEDIA_ROOT."""
    from gonghui.core.audit import AuditAction, audit_record

    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"找不到备份文件：{archive}")
    if not tarfile.is_tarfile(archive):
        raise BackupError(f"无法读取备份文件：{archive}")
    with (
        tarfile.open(archive, mode="r") as tar,
        tempfile.TemporaryDirectory(prefix="gonghui-restore-") as tmp,
    ):
        manifest = restore_check(tar, skip_media=skip_media)
        _restore_database(tar, manifest, Path(tmp))
        media = 0 if skip_media else _restore_media(tar)
    crypto.lookup_key_forget()
    counts = _counts()
    differing = {
        label: (expected, counts.get(label))
        for label, expected in manifest["counts"].items()
        if counts.get(label, expected) != expected
    }
    if differing:
        label, (expected, found) = sorted(differing.items())[0]
        raise BackupError(
            f"恢复后的数据与备份记录不符：{label} 应有 {expected} 行，实有 {found} 行。"
        )
    if media != (0 if skip_media else manifest["media_files"]):
        raise BackupError(f"恢复的上传文件数({media})与备份记录({manifest['media_files']})不符。")
    audit_record(
        action=AuditAction.BACKUP_RESTORED,
        username="命令行",
        detail={
            "file": archive.name,
            "created_at": manifest["created_at"],
            "key_fingerprint": manifest["key_fingerprints"][0],
        },
    )
    return Restored(manifest=manifest, media_files=media, counts=counts)


def default_backup_name() -> str:
    return f"gonghui-backup-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
