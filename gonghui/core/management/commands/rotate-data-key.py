from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gonghui.core import rotation as rot


class Command(BaseCommand):
    help = (
        "Rotate the data key: re-encrypt every encrypted field with GONGHUI_DATA_KEY (reading "
        "GONGHUI_DATA_KEY_OLD), in batches, resumable; then, with the web and task processes "
        "stopped, re-key every keyed hash in one step. See docs/deployment.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=rot.BATCH_SIZE)
        parser.add_argument(
            "--no-finish",
            action="store_true",
            help="stop after re-encrypting (the app may keep running); run again to finish",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="re-key the hashes although other sessions are connected (PostgreSQL)",
        )

    def handle(self, *args, batch_size, no_finish, force, **options):
        try:
            self._run(batch_size=batch_size, no_finish=no_finish, force=force)
        except rot.RotationError as exc:
            raise CommandError(str(exc)) from exc

    def _run(self, *, batch_size, no_finish, force):
        current = rot.rotation_current()
        if current is not None and current.finished_at is not None:
            self.stdout.write(
                f"本次轮换已于 {timezone.localtime(current.finished_at):%Y-%m-%d %H:%M} 完成。"
                "现在可以从配置中删除 GONGHUI_DATA_KEY_OLD，并重新启动各进程。"
            )
            return
        rotation, created = rot.rotation_start()
        self.stdout.write(
            ("开始" if created else "继续")
            + f"轮换数据密钥(新密钥指纹 {rotation.new_fingerprint})：重新加密……"
        )
        totals: dict[str, int] = {}

        def report(label: str, rows: int) -> None:
            totals[label] = totals.get(label, 0) + rows
            self.stdout.write(f"  {label}：已处理 {totals[label]} 行")

        rot.rotation_re_encrypt(rotation, batch_size=batch_size, report=report)
        self.stdout.write(f"重新加密完成：共 {rotation.re_encrypted} 个值改用新密钥。")
        if no_finish:
            self.stdout.write(
                "查找哈希尚未切换。停止网站和后台任务进程后再次运行本命令即可完成轮换。"
            )
            return
        rotation, orphaned = rot.rotation_finish(rotation, force=force, batch_size=batch_size)
        self.stdout.write(
            self.style.SUCCESS(
                f"轮换完成：{rotation.hashes_rekeyed} 个查找哈希已改用新密钥。"
                "现在可以从配置中删除 GONGHUI_DATA_KEY_OLD，并重新启动各进程。"
            )
        )
        if orphaned:
            self.stdout.write(
                self.style.WARNING(
                    f"另有 {orphaned} 个查找哈希没有对应的记录(其身份证号或手机号已不在任何记录中)，"
                    "保持原样：它们只用于防止重复导入，不影响查找。"
                )
            )
