from wsgiref.simple_server import make_server

from django.conf import settings
from django.core.management.base import BaseCommand

from onewindow.exchange.receiver import Receiver, Store, _Quiet


class Command(BaseCommand):
    help = (
        "启动省平台接收端的替身（演示、测试与压测用）：按数据集逐条严格校验，"
        "按记录标识去重保存，不合格的逐条拒收并说明原因。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8900)
        parser.add_argument("--db", default=str(settings.VAR_DIR / "province.sqlite3"))
        parser.add_argument("--token", default=getattr(settings, "ONEWINDOW_PROVINCE_TOKEN", ""))

    def handle(self, *args, port, db, token, **options):
        server = make_server("127.0.0.1", port, Receiver(Store(db), token), handler_class=_Quiet)
        self.stdout.write(f"省平台替身已启动：http://127.0.0.1:{port}/records （Ctrl+C 停止）")
        server.serve_forever()
