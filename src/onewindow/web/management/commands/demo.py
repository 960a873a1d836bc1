from django.core.management.base import BaseCommand

from onewindow.catalog import demo as catalog_demo
from onewindow.mandates import demo as mandates_demo
from onewindow.org import demo as org_demo


class Command(BaseCommand):
    help = "载入桃江县演示数据（可重复执行，第二次不做任何改动）。"

    def handle(self, *args, **options):
        counts = org_demo.load()
        counts.update(catalog_demo.load())
        counts.update(mandates_demo.load())
        self.stdout.write(
            self.style.SUCCESS(
                "演示数据就绪：{units}个单位、{staff}名工作人员、{halls}个大厅、{window_posts}个窗口、{items}个事项、{combined}个一件事、{letters}份授权委托书".format(
                    **counts
                )
            )
        )
        self.stdout.write(f"演示账号（密码均为 {org_demo.DEMO_PASSWORD}）：")
        for username, role, where in org_demo.DEMO_LOGINS:
            self.stdout.write(f"  {username:<10} {role.label}  {where}")
