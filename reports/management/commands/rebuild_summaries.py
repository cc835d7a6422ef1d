"""``manage.py rebuild_summaries``: recompute the pipeline page's summary tables from the raw rows now."""

from django.core.management.base import BaseCommand

from reports.summaries import rebuild


class Command(BaseCommand):
    help = "重建报表汇总数据（招商项目报表读取的汇总表），可重复运行。"

    def handle(self, *args, **options):
        count = rebuild()
        self.stdout.write(f"汇总数据已重建：{count} 个项目。")
