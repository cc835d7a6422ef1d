"""``manage.py load_demo [--password PASS]``: build the demo science city of the source article, idempotently.

The demo is illustrative: names and headline figures come from the article, everything else is invented
but plausible (see ``demo``). Running it twice changes nothing; accounts keep their password on a
re-run unless ``--password`` is given.
"""

import time

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from crm.models import (
    ApprovalStep,
    CapitalArrival,
    Contact,
    Enterprise,
    EnterpriseQualification,
    Event,
    FollowUp,
    Project,
    ProjectCredit,
    ProjectMilestone,
    ProjectStageChange,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestMessage,
    ServiceRequestTransition,
    User,
)
from crm.models.projects import AnnualCommitment
from demo import data
from demo.builder import DemoBuilder
from parks.models import EligibilityCriterion, LandParcel, Park, Policy, PolicyClause, PolicyGrant, Space
from reports.summaries import rebuild as rebuild_summaries

SUMMARY_MODELS = (
    User, Park, Space, LandParcel, Policy, PolicyClause, EligibilityCriterion, PolicyGrant,
    Enterprise, EnterpriseQualification, Contact, Event, Project, ProjectStageChange, FollowUp, ProjectCredit,
    ProjectMilestone, CapitalArrival, AnnualCommitment, ServiceCategory, ServiceRequest, ServiceRequestTransition,
    ApprovalStep, ServiceRequestMessage,
)


class Command(BaseCommand):
    help = "载入紫金港科技城演示数据（示意数据，可重复运行）。Build the illustrative demo world, idempotently."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help="Password for every demo account (also resets existing ones). Without it, new accounts get one "
            "random password, printed at the end, and existing accounts keep theirs.",
        )

    def handle(self, *args, password=None, **options):
        if password is not None:
            try:
                validate_password(password)
            except ValidationError as error:
                raise CommandError("--password: " + " ".join(error.messages)) from None
        started = time.monotonic()
        result = DemoBuilder(password=password).build()
        # The pipeline page reads its summary tables once they are built: build them now rather than at 02:30.
        summarised = rebuild_summaries()
        elapsed = time.monotonic() - started

        out = self.stdout
        out.write(self.style.SUCCESS(
            f"演示数据已就绪（示意数据）：新建 {result.created_projects} 个项目、{result.created_requests} 条企业诉求，"
            f"用时 {elapsed:.1f} 秒；报表汇总数据已重建（{summarised} 个项目）。"
        ))
        out.write("")
        out.write("账号 accounts:")
        for spec in data.ACCOUNTS:
            out.write(f"  {spec.username:<12} {spec.display_name}（{spec.title}）")
        if password is not None:
            out.write("所有账号的密码已设为 --password 指定的值。")
        if result.generated_password:
            out.write(f"新账号 {', '.join(result.created_accounts)} 的密码 password: {result.generated_password}")
        if password is None and result.existing_accounts:
            out.write(
                f"已有账号 {', '.join(result.existing_accounts)} 保持原密码（existing accounts keep their password; "
                "use --password to reset）。"
            )
        out.write("")
        out.write("数据量 counts:")
        for model in SUMMARY_MODELS:
            out.write(f"  {model._meta.verbose_name}（{model.__name__}）: {model.objects.count()}")
