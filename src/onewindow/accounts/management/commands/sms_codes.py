"""`onewindow sms_codes 13907370001`: the verification texts queued for a mobile number, newest
first. For a trial installation without an SMS gateway (the default sender logs texts with their
codes masked), so whoever runs it can still register; it prints to the terminal, never to a log."""

from django.core.management.base import BaseCommand, CommandError

from onewindow.accounts.codes import TEXTS
from onewindow.common.validators import normalize_mobile
from onewindow.exchange.models import SmsOutbox

PREFIXES = tuple(text.split("{code}")[0][:12] for text in TEXTS.values())


class Command(BaseCommand):
    help = "显示最近发往某手机号码的验证码短信（未接短信网关的试用环境）"

    def add_arguments(self, parser):
        parser.add_argument("mobile")
        parser.add_argument("--last", type=int, default=3)

    def handle(self, *args, mobile: str, last: int, **options):
        mobile = normalize_mobile(mobile)
        if len(mobile) != 11:
            raise CommandError("手机号码应为11位数字。")
        found = []
        # The mobile is encrypted per row (no digest on the outbox): the newest rows are read.
        for row in SmsOutbox.objects.order_by("-id")[:2000]:
            if row.mobile == mobile and row.text.startswith(PREFIXES):
                found.append(row)
                if len(found) >= last:
                    break
        if not found:
            self.stdout.write("没有发往该号码的验证码短信。")
        for row in found:
            self.stdout.write(f"{row.created_at:%Y-%m-%d %H:%M:%S}  {row.text}")
