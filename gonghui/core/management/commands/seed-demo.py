from django.core.management.base import BaseCommand

from gonghui.core.demo import run_seeders


class Command(BaseCommand):
    help = "Load the synthetic demo county (deterministic, idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")

    def handle(self, *args, seed, **options):
        run_seeders(seed=seed, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))
