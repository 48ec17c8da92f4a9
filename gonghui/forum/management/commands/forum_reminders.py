"""`gonghui forum_reminders`: the daily reminder run of the 主席论坛 column (cron or a systemd
timer, like `rights_reminders`): flags the articles waiting on a review stage longer than the
days set in 论坛设置 (once per stage), so they show as 已催办 beside the to-do 审稿超期."""

from django.core.management.base import BaseCommand

from gonghui.forum.models import Stage


class Command(BaseCommand):
    help = "运行主席论坛审稿提醒：在某一审次等待超过设定天数的稿件标记为已催办。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行器(db_worker)执行"
        )

    def handle(self, *args, **options):
        if options.get("enqueue"):
            from gonghui.forum.tasks import forum_reminders_task

            result = forum_reminders_task.enqueue()
            self.stdout.write(f"forum reminders enqueued: {result.id}")
            return
        from gonghui.forum.services import reviews_remind

        counts = reviews_remind()
        self.stdout.write(f"forum reminders: {sum(counts.values())} article(s) flagged")
        for stage in Stage:
            if counts.get(stage.value):
                self.stdout.write(f"  {stage.value} ({stage.label}): {counts[stage.value]}")
