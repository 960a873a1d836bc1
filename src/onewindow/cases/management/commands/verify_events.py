from django.core.management.base import BaseCommand, CommandError

from onewindow.cases import events


class Command(BaseCommand):
    help = "核验每个办件事件链（HMAC-SM3）：报告被改动、删除或插入的事件。"

    def handle(self, *args, **options):
        broken = events.verify()
        for case_id, seq, reason in broken:
            self.stdout.write(f"办件{case_id} 第{seq}条事件：{reason}")
        if broken:
            raise CommandError(f"发现{len(broken)}处事件链断裂。")
        self.stdout.write(self.style.SUCCESS("事件链完整。"))
