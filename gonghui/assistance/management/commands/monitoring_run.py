"""`gonghui monitoring_run`: the scheduled monitoring run (cron or a systemd timer, see
docs/deployment.md). django-tasks has no scheduler, so the schedule lives outside the app."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from gonghui.assistance.monitoring.definitions import RunTrigger
from gonghui.assistance.monitoring.services import monitoring_run
from gonghui.orgs.models import Org, OrgLevel


class Command(BaseCommand):
    help = "运行监测预警规则(全部县或指定县)，新开预警并记录运行结果。"

    def add_arguments(self, parser):
        parser.add_argument("--county", help="县级工会的组织编码；不填为全部县")
        parser.add_argument("--date", help="监测日期 YYYY-MM-DD；不填为今天")

    def handle(self, *args, **options):
        county = None
        if options.get("county"):
            county = Org.objects.filter(code=options["county"], level=OrgLevel.COUNTY).first()
            if county is None:
                raise CommandError(f"没有组织编码为 {options['county']} 的县级工会。")
        on = None
        if options.get("date"):
            try:
                on = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("日期格式应为 YYYY-MM-DD。") from exc
        run = monitoring_run(actor=None, county=county, trigger=RunTrigger.SCHEDULED, on=on)
        self.stdout.write(
            f"monitoring run #{run.pk}: {run.status}, opened {run.opened} alerts "
            f"in {run.duration_ms} ms"
        )
        for code, counts in (run.counts or {}).items():
            self.stdout.write(f"  {code}: fired {counts['fired']}, opened {counts['opened']}")
