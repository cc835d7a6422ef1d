"""The head of investment promotion (招商负责人): the role group ``investment_lead`` and the reminder rule that tells
an owner when someone else changed their project.

The group holds the same model permissions as ``investment_officer`` (it reads and writes what an officer does,
``crm.roles``); what it may do beyond an officer — change any project's stage, reassign owners — is decided by
``crm.pipeline.ownership``, not by model permissions. The rule ``project_changed`` gets its row from
``crm.notifications.setup.reminders_setup`` (idempotent).
"""

from django.db import migrations, models

LEAD = "investment_lead"
OFFICER = "investment_officer"


def create_lead_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    lead, _created = Group.objects.get_or_create(name=LEAD)
    officer = Group.objects.filter(name=OFFICER).first()
    if officer is not None:
        lead.permissions.set(officer.permissions.all())


def remove_lead_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=LEAD).delete()


def setup_reminders(apps, schema_editor):
    from crm.notifications.setup import reminders_setup

    reminders_setup(apps, app_label="crm")


def remove_rule(apps, schema_editor):
    apps.get_model("crm", "ReminderRule").objects.filter(code="project_changed").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0009_calendar_feed"),
    ]

    operations = [
        migrations.AlterField(
            model_name="reminderrule",
            name="code",
            field=models.CharField(choices=[('request_unassigned', '诉求提交后无人受理'), ('request_sla', '诉求办理时限已过半/将到期'), ('request_due', '诉求到期'), ('request_overdue', '诉求超期督办'), ('request_overdue_leadership', '诉求超期报领导'), ('approval_due_soon', '审批环节即将到期'), ('approval_overdue', '审批环节超期'), ('project_stale', '项目久未跟进'), ('project_follow_up_due', '项目到了下次跟进日期'), ('pipeline_digest', '每周项目进展摘要'), ('request_submitted', '新诉求提交（即时）'), ('message_posted', '新留言（即时）'), ('status_changed', '诉求状态变更（即时）'), ('project_changed', '项目被他人变更（即时）'), ('space_rent_free_ending', '载体免租期即将届满'), ('milestone_due_soon', '落地节点即将到期'), ('milestone_missed', '落地节点逾期'), ('policy_eligible', '新的可申请政策（每日）')], editable=False, max_length=40, unique=True, verbose_name='规则'),
        ),
        migrations.RunPython(create_lead_group, remove_lead_group),
        migrations.RunPython(setup_reminders, remove_rule),
    ]
