from django.core.management.base import BaseCommand

from onewindow.cases import services


class Command(BaseCommand):
    help = (
        "运行到期任务：逾期未告知视为受理、容缺期满终止。"
        "`serve` 与 Celery 已定期运行，此命令供手动执行。"
    )

    def handle(self, *args, **options):
        done = services.apply_time_rules()
        self.stdout.write(
            f"视为受理：{done['deemed']}件；容缺期满终止：{done['rongque_expired']}件。"
        )
