import time

from django.core.management.base import BaseCommand

from onewindow.supervision.dashboard import rebuild, rollup


class Command(BaseCommand):
    help = (
        "把办件事件日志汇总到每日统计和办结统计（大屏、绩效考核、审改办评分读这两张表）："
        "默认只计新事件，与每分钟的定时任务相同；--rebuild 清空后从头重算整个日志"
        "（在内存中计数后一次写入，一个事务内完成，重算期间页面仍显示原有数字）。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="清空两张统计表，从第一条事件重新汇总"
        )

    def handle(self, *args, **options):
        again = options["rebuild"]
        started = time.perf_counter()
        read = (rebuild if again else rollup)()
        seconds = time.perf_counter() - started
        what = "重新汇总" if again else "汇总"
        self.stdout.write(self.style.SUCCESS(f"已{what}{read}条事件，用时{seconds:.1f}秒。"))
