import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.org import onboarding


class Command(BaseCommand):
    help = (
        "导入机构人员导入表（XLSX）：行政区划、单位、股室、工作人员及登录账号、大厅、窗口。"
        "全部检查无误才导入；有错误时逐条列出所在的表、行和列，一行也不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="机构人员导入表（.xlsx）")
        parser.add_argument(
            "--passwords",
            help="新建账号初始密码的保存位置（XLSX，仅本人可读；默认与导入文件同目录的“<文件名>-初始密码.xlsx”）",
        )
        parser.add_argument(
            "--template", action="store_true", help="不导入，把空白导入模板写到 FILE"
        )
        parser.add_argument(
            "--export", action="store_true", help="不导入，把系统中现有的数据导出到 FILE"
        )

    def handle(self, *args, file, passwords=None, template=False, export=False, **options):
        path = Path(file)
        if template or export:
            path.write_bytes(onboarding.workbook(with_data=export))
            self.stdout.write(
                self.style.SUCCESS(f"已写出{'导出数据' if export else '导入模板'}：{path}")
            )
            return
        if not path.is_file():
            raise CommandError(f"找不到文件“{path}”。")
        try:
            result = onboarding.onboard(
                acting_user=None, data=path.read_bytes(), filename=path.name
            )
        except onboarding.OnboardingRefused as exc:
            for p in exc.problems:
                self.stderr.write(str(p))
            raise CommandError(
                f"未导入：发现{len(exc.problems)}个错误（见上），一行也没有写入。请改正后重新导入。"
            ) from None
        self.stdout.write(self.style.SUCCESS("导入完成：" + onboarding.summary(result) + "。"))
        if result.passwords:
            out = Path(passwords) if passwords else path.with_name(f"{path.stem}-初始密码.xlsx")
            # Readable by the operator only: the file holds passwords until handed out.
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(onboarding.passwords_workbook(result.passwords))
            self.stdout.write(
                f"新建{len(result.passwords)}个登录账号，初始密码已写入“{out}”（仅此一份，"
                "请当面或密封交给本人后删除；首次登录须修改密码）。"
            )
