"""Serve the app with gunicorn (the same server production uses), static files by WhiteNoise."""

import os
import socket
import subprocess
import sys

from django.core.management.base import BaseCommand


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "onewindow.cli", *args], env=env)


class Command(BaseCommand):
    help = "用 gunicorn 启动服务（默认 http://127.0.0.1:8000，环境变量 PORT 可改端口）。"

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("ONEWINDOW_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-jobs",
            action="store_true",
            help="不在本进程旁运行定时任务和省平台替身（它们在别处运行：另一台 Web 服务器或"
            "单独的 run_jobs_forever 进程）。",
        )

    def handle(self, *args, host, port, workers, no_jobs, **options):
        from django.conf import settings
        from gunicorn.app.base import BaseApplication

        from onewindow.wsgi import application

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                # Threads a worker serves on (ONEWINDOW_THREADS): a slow client or a long
                # export does not hold the worker; docs/BENCHMARKS.md «Issue 22» measures both.
                self.cfg.set("threads", int(os.environ.get("ONEWINDOW_THREADS", "4")))
                self.cfg.set("accesslog", "-")
                self.cfg.set("graceful_timeout", 10)

            def load(self):
                return application

        # Helpers as processes of their own (threads in gunicorn's master would be forked into
        # its workers): the provincial stand-in in development, the periodic jobs without a
        # broker. A second web node of the same county, or a page test, serves without them
        # (`--no-jobs`): nothing is pushed from here, so no stand-in either.
        env, helpers = dict(os.environ), []
        if no_jobs:
            pass
        elif not settings.ONEWINDOW_PROVINCE_URL and not settings.PRODUCTION:
            standin = free_port()
            env["ONEWINDOW_PROVINCE_URL"] = f"http://127.0.0.1:{standin}/records"
            # the web workers (forked from here) show the push page with this address too
            settings.ONEWINDOW_PROVINCE_URL = env["ONEWINDOW_PROVINCE_URL"]
            helpers.append(_start(["province_receiver", "--port", str(standin)], env))
            self.stdout.write(f"省平台替身：{env['ONEWINDOW_PROVINCE_URL']}")
        if not settings.CELERY_BROKER_URL and not no_jobs:
            helpers.append(_start(["run_jobs_forever"], env))
        self.stdout.write(f"一窗通办已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        try:
            Server().run()
        finally:
            for helper in helpers:
                helper.terminate()
            for helper in helpers:
                helper.wait(10)
