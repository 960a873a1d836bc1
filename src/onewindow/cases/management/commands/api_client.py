from django.core.management.base import BaseCommand, CommandError

from onewindow.cases.api import issue_key
from onewindow.cases.models import ApiClient
from onewindow.org.models import Unit, User


class Command(BaseCommand):
    help = "登记接口调用方（省平台、部门系统）并签发API密钥；密钥只显示这一次。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="系统名称，如：湖南省一体化平台")
        parser.add_argument("--unit", help="部门系统所属单位的简称，如：县市监局")
        parser.add_argument("--user", help="记录部门决定时代表的账号（该单位的审查人员）")
        parser.add_argument(
            "--sms-gateway",
            action="store_true",
            help="短信网关：可提交申请人的短信评价（绑定单位时只限本单位的办件）",
        )
        parser.add_argument(
            "--province-platform",
            action="store_true",
            help="省一体化平台：可推送省平台收到的网上申请（POST /api/province/applications）",
        )
        parser.add_argument(
            "--keep-key",
            action="store_true",
            help="已登记的调用方只修改权限，不签发新密钥（原密钥继续有效）",
        )

    def handle(self, name, unit=None, user=None, **options):
        client = ApiClient.objects.filter(name=name).first() or ApiClient(name=name)
        if options["sms_gateway"]:
            client.sms_gateway = True
        if options["province_platform"]:
            client.province_platform = True
        if unit:
            client.unit = Unit.objects.filter(short_name=unit).first()
            if client.unit is None:
                raise CommandError(f"找不到简称为“{unit}”的单位。")
        if user:
            client.acting_user = User.objects.filter(username=user).first()
            if client.acting_user is None:
                raise CommandError(f"找不到账号“{user}”。")
        if options["keep_key"]:
            if client.pk is None:
                raise CommandError(f"“{name}”尚未登记，须签发密钥：去掉 --keep-key 再运行。")
            client.save()
            self.stdout.write(f"{name} 的权限已更新，原密钥继续有效。")
            return
        key = issue_key(client)
        self.stdout.write(f"{name} 的API密钥（请妥善保存，不再显示）：{key}")
