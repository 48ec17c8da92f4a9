from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.backup import BackupError, backup_create, default_backup_name


class Command(BaseCommand):
    help = (
        "Back up the database, the uploaded files (MEDIA_ROOT) and the data key's fingerprint "
        "(never the key) into one archive file. Restore with `gonghui restore FILE`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", "-o", default="", help="archive file (default: gonghui-backup-<time>.tar)"
        )

    def handle(self, *args, output, **options):
        path = Path(output or default_backup_name())
        try:
            manifest = backup_create(output=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(f"已备份到 {path}")
            + f"：{rows} 行数据，{manifest['media_files']} 个上传文件，数据密钥指纹 "
            + "、".join(manifest["key_fingerprints"])
            + "。\n备份文件不含数据密钥：请另行妥善保管 GONGHUI_DATA_KEY，恢复时必须使用同一密钥。"
        )
