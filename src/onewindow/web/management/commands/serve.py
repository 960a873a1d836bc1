"""Serve the app with gunicorn (the same server production uses), static files by WhiteNoise."""

import os

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "用 gunicorn 启动服务（默认 http://127.0.0.1:8000，环境变量 PORT 可改端口）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ONEWINDOW_WORKERS", "2"))
        )

    def handle(self, *args, host, port, workers, **options):
        from django.conf import settings
        from gunicorn.app.base import BaseApplication

        from onewindow.jobs import InProcessScheduler
        from onewindow.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", 4)
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 10)
                if not settings.CELERY_BROKER_URL:
                    # No broker: the periodic jobs run in the master process (not in workers).
                    self.cfg.set("when_ready", lambda server: InProcessScheduler().start())

            def load(self):
                return application

        self.stdout.write(f"一窗通办已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        Server().run()
