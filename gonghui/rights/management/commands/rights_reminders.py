"""`gonghui rights_reminders`: the daily reminder run of the rights module (cron or a systemd
timer, see docs/deployment.md): opens to-dos for expiring contracts, overdue filings and
replies, 一函两书 steps past their deadline and overdue legal-aid cases."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from gonghui.rights.reminders.services import reminders_run


class Command(BaseCommand):
    help = "运行维权提醒：为即将到期的集体合同、逾期未答复的要约、到期的一函两书等新开待办。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="提醒日期 YYYY-MM-DD；不填为今天")
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行器(db_worker)执行"
        )

    def handle(self, *args, **options):
        on = None
        if options.get("date"):
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        if options.get("enqueue"):
            from gonghui.rights.reminders.tasks import rights_reminders_task

            result = rights_reminders_task.enqueue(on.isoformat() if on else None)
            self.stdout.write(f"rights reminders enqueued: {result.id}")
            return
        run = reminders_run(on=on)
        self.stdout.write(
            f"rights reminders #{run.pk} for {run.on:%Y-%m-%d}: opened {run.opened}, "
            f"closed {run.closed} in {run.duration_ms} ms"
        )
        for kind, count in sorted(run.counts.items()):
            self.stdout.write(f"  {kind}: {count}")
