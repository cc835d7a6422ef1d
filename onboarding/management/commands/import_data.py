"""``manage.py import_data KIND FILE [--dry-run]`` and ``manage.py import_data KIND --template OUT.xlsx``."""

import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from crm.errors import DomainError
from onboarding.engine import import_file
from onboarding.engine import template as write_template
from onboarding.specs import KINDS, spec_for


class Command(BaseCommand):
    help = (
        "导入企业、联系人、地块、载体空间、企业资质或历史项目（.xlsx 或 .csv）。有任何错误行时不写入任何数据，列出每一行错误并以非零"
        "状态退出；--template 写出带中文列名和一行示例的导入模板。"
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", nargs="?", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--template", metavar="OUT.xlsx", help="写出导入模板")
        parser.add_argument("--user", help="以该用户的身份导入（默认：第一个超级用户）")
        parser.add_argument("--progress-every", type=int, default=1000, help="每读取多少行在 stderr 报告一次进度")

    def handle(self, *args, kind, file=None, dry_run=False, template=None, user=None, progress_every=1000, **options):
        spec = spec_for(kind)
        if template:
            with open(template, "wb") as out:
                out.write(write_template(spec))
            self.stdout.write(f"已写出{spec.title}导入模板：{template}")
            return
        if not file:
            raise CommandError("请给出要导入的文件，或用 --template OUT.xlsx 写出模板。")
        actor = self._actor(user)

        def progress(count):
            self.stderr.write(f"已读取 {count} 行…")

        try:
            report = import_file(spec, file, actor=actor, dry_run=dry_run, progress=progress, every=progress_every)
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        for warning in report.warnings:
            self.stderr.write(f"提醒：{warning}")
        if not report.ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            self.stderr.write(f"共 {report.rows} 行，{report.bad_rows} 行有误：未写入任何数据。")
            sys.exit(1)
        verb = "检查通过（未写入）" if dry_run else "已导入"
        self.stdout.write(f"{spec.title}{verb}：共 {report.rows} 行，新建 {report.creates} 行，更新 {report.updates} 行。")

    @staticmethod
    def _actor(username):
        User = get_user_model()
        if username:
            try:
                return User.objects.get(username=username, is_active=True)
            except User.DoesNotExist:
                raise CommandError(f"找不到用户“{username}”。") from None
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("没有可用的超级用户：请用 --user 指定导入人。")
        return actor

