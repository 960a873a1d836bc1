from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from onewindow.exchange import datasets


class Command(BaseCommand):
    help = "输出推送省平台的办件数据集说明（由 exchange/datasets/table.py 生成）。"

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="PATH", help="写入该文件，而不是输出到屏幕")
        parser.add_argument("--check", metavar="PATH", help="核对该文件与生成结果一致")

    def handle(self, *args, write=None, check=None, **options):
        text = datasets.markdown()
        if check:
            if Path(check).read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{check} 与数据集表不一致，请运行 onewindow exchange_datasets --write {check}"
                )
            self.stdout.write(f"{check} 与数据集表一致。")
        elif write:
            Path(write).write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {write}。")
        else:
            self.stdout.write(text, ending="")
