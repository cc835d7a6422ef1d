"""``manage.py send_reminders``: one sweep by hand, as if at --at, delivered here; --dry-run sends nothing."""

import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from .helpers import all_rows

pytestmark = pytest.mark.django_db


def run(*args, capture):
    out = io.StringIO()
    with capture(execute=True):
        call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_what_would_be_sent_and_writes_nothing(desk, submit, django_capture_on_commit_callbacks):
    from .helpers import at

    request = submit(at(2026, 11, 3, 9, 0))  # 新诉求 to the desk (in-app and e-mail), delivered on commit

    output = run("--at", "2026-11-03T10:00", "--dry-run", capture=django_capture_on_commit_callbacks)

    key = f"request:{request.pk}:unassigned:1h"
    subject = f"诉求 #{request.pk} 提交已超过 1 小时仍无人受理：申请外籍专家工作许可"
    assert output.splitlines() == [
        "Reminder sweep at 2026-11-03T10:00:00+08:00 (dry run)",
        f"  would send  request_unassigned           email    desk                     {key}  {subject}",
        f"  would send  request_unassigned           in_app   desk                     {key}  {subject}",
        "2 notification(s) would be written, 0 unsent notification(s) would be retried.",
    ]
    assert all_rows() == {(f"request:{request.pk}:submitted", "desk", "in_app"), (f"request:{request.pk}:submitted", "desk", "email")}
    assert len(mail.outbox) == 1  # the 新诉求 only


def test_a_sweep_at_a_given_time_delivers_right_here_and_prints_it(desk, submit, django_capture_on_commit_callbacks):
    from .helpers import at

    request = submit(at(2026, 11, 3, 9, 0))

    output = run("--at", "2026-11-03T10:00+08:00", capture=django_capture_on_commit_callbacks)

    key = f"request:{request.pk}:unassigned:1h"
    subject = f"诉求 #{request.pk} 提交已超过 1 小时仍无人受理：申请外籍专家工作许可"
    assert output.splitlines() == [
        "Reminder sweep at 2026-11-03T10:00:00+08:00",
        f"  sent     request_unassigned           email    desk                     {key}  {subject}",
        f"  sent     request_unassigned           in_app   desk                     {key}  {subject}",
        "2 notification(s) written, 0 unsent notification(s) retried.",
    ]
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["desk@zjg.example.cn"], f"新诉求 #{request.pk}：西湖阳光「申请外籍专家工作许可」"),  # on commit of the submission
        (["desk@zjg.example.cn"], subject),
    ]
    assert run("--at", "2026-11-03T10:00+08:00", capture=django_capture_on_commit_callbacks).splitlines()[-1] == (
        "0 notification(s) written, 0 unsent notification(s) retried."
    )


def test_a_time_that_is_not_iso_8601_is_refused(db):
    with pytest.raises(CommandError, match="--at 应为 ISO-8601 时间"):
        call_command("send_reminders", "--at", "next monday")
