from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gonghui.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a `gonghui backup` archive into an empty database (and MEDIA_ROOT). Refuses, "
        "before writing anything, when GONGHUI_DATA_KEY is not the key the backup needs."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--skip-media", action="store_true", help="restore the database only, not the files"
        )

    def handle(self, *args, archive, skip_media, **options):
        try:
            restored = backup_restore(archive=Path(archive), skip_media=skip_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(f"已从 {archive} 恢复")
            + f"(备份时间 {manifest['created_at']})：{sum(restored.counts.values())} 行数据，"
            f"{restored.media_files} 个上传文件，已核对各表行数。"
            "\n如果程序版本比备份新，请接着运行 gonghui migrate。"
        )
