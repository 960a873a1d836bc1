import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onewindow.demo import catalogue, county, history, letters, reform, window_day


class Command(BaseCommand):
    help = "载入桃江县演示数据（可重复执行，第二次不做任何改动），并生成几个月的办件历史。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--history-days",
            type=int,
            default=100,
            help="回放截至昨天的多少个自然日的办件历史（默认100；0为不生成；已有办件时不生成）",
        )
        parser.add_argument(
            "--per-day", type=int, default=25, help="每个工作日约多少件申请（默认25）"
        )

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            # The demo accounts (admin among them) have the password printed in the README.
            raise CommandError(
                "生产环境（ONEWINDOW_ENV=production）不能载入演示数据：演示账号的密码是公开的。"
                "/ Refusing to load demo data with ONEWINDOW_ENV=production: the demo accounts "
                "have a published password."
            )
        counts = county.load()
        counts.update(catalogue.load())
        counts.update(letters.load())
        counts.update(reform.load())
        self.stdout.write(
            self.style.SUCCESS(
                "演示数据就绪：{units}个单位、{staff}名工作人员、{halls}个大厅、{window_posts}个窗口、{items}个事项、{combined}个一件事、{letters}份授权委托书".format(
                    **counts
                )
            )
        )
        # Before the history, so that the day checkpoints it takes cover these cases' events.
        if window_day.load()["window_day_cases"]:
            self.stdout.write("已为窗口工作台（clerk）准备当日各工作队列的办件。")
        started = time.perf_counter()
        made = history.load(days=options["history_days"], per_day=options["per_day"])
        if made["history_cases"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已回放{options['history_days']}天的办件历史：{made['history_cases']}件申请"
                    f"（用时{time.perf_counter() - started:.0f}秒）"
                )
            )
        self.stdout.write(f"演示账号（密码均为 {county.DEMO_PASSWORD}）：")
        for username, role, where in county.DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {role.label}  {where}")
