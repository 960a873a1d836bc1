"""The periodic jobs in the foreground, without Celery: what `serve` starts beside gunicorn."""

import signal

from django.core.management.base import BaseCommand

from onewindow.jobs import JOBS, InProcessScheduler


class Command(BaseCommand):
    help = "不用 Celery 时在前台定期运行后台任务（监察扫描、时限规则、省平台推送）。"

    def handle(self, *args, **options):
        scheduler = InProcessScheduler()
        signal.signal(signal.SIGTERM, lambda *_: scheduler.stop())
        self.stdout.write(f"定期任务：{'、'.join(JOBS)}")
        scheduler.start()
        try:
            while scheduler.is_alive():
                scheduler.join(1)
        except KeyboardInterrupt:
            scheduler.stop()
