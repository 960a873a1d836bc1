from django.core.management.base import BaseCommand, CommandError

from onewindow.cases import events


class Command(BaseCommand):
    help = (
        "核验事件链（HMAC-SM3）：每条事件、每个办件记录所存的链头与封记、每日检查点；"
        "报告被篡改、删除的事件，被改动或删除的办件，被篡改或删除的检查点。"
    )

    def handle(self, *args, **options):
        broken = events.verify()
        for item in broken:
            self.stdout.write(str(item))
        if broken:
            kinds = "、".join(dict.fromkeys(b.kind.value for b in broken))
            raise CommandError(f"发现{len(broken)}处事件链断裂：{kinds}。")
        self.stdout.write(self.style.SUCCESS("事件链完整。"))
