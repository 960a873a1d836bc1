from django.core.management.base import BaseCommand

from onewindow.cases import services


class Command(BaseCommand):
    help = (
        "运行到期任务：逾期未告知视为受理、容缺期满终止。可由 cron 每小时运行一次（无 Celery 时）。"
    )

    def handle(self, *args, **options):
        deemed = services.deem_overdue()
        expired = services.expire_rongque()
        self.stdout.write(f"视为受理：{deemed}件；容缺期满终止：{expired}件。")
