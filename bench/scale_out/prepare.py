"""Scale-out test, step 1 (run by ``.ci/scale-out`` after ``migrate`` and ``load_demo``): the load test's accounts.

Writes a JSON file for the locustfile: the enterprise users (one per demo enterprise with a portal account of its
own, ``lt-ent-NN``), the staff accounts of the mix (``service`` reads the admin list, ``manager`` the reports), their
common password and the category the submissions use (one with no fields of its own). The reminder sweep runs every
10 seconds in this database instead of every 5 minutes, so deliveries a killed worker left behind are handed out
again within the test (the lease, ``REMINDERS_DELIVERY_LEASE``, is shortened by the script as well).

    python bench/scale_out/prepare.py OUT.json PASSWORD USERS
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_celery_beat.models import IntervalSchedule, PeriodicTask, PeriodicTasks  # noqa: E402

from crm.models import Enterprise, ServiceCategory, User  # noqa: E402
from crm.models.users import Role  # noqa: E402
from crm.notifications.setup import SWEEP_TASK  # noqa: E402

SWEEP_EVERY_SECONDS = 10


def main(out: str, password: str, users: int) -> None:
    encoded = make_password(password)  # hashed once: PBKDF2 for each of the users would take a minute
    group = Group.objects.get(name=Role.ENTERPRISE)
    enterprises = list(Enterprise.objects.order_by("pk")[:users])
    names = []
    for number, enterprise in enumerate(enterprises, start=1):
        username = f"lt-ent-{number:02d}"
        user, _ = User.objects.update_or_create(
            username=username, defaults={"password": encoded, "is_active": True, "email": f"{username}@example.com"}
        )
        user.groups.add(group)
        user.enterprises.set([enterprise])
        names.append(username)
    for username in ("service", "manager"):
        User.objects.filter(username=username).update(password=encoded)

    # A category without a designed form (its submissions need no details).
    category = (
        ServiceCategory.objects.filter(is_active=True, form_fields__isnull=True).distinct().order_by("code").first()
    )

    every, _ = IntervalSchedule.objects.get_or_create(every=SWEEP_EVERY_SECONDS, period=IntervalSchedule.SECONDS)
    swept = PeriodicTask.objects.filter(task=SWEEP_TASK).update(interval=every)
    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})

    Path(out).write_text(json.dumps({
        "password": password,
        "enterprise_users": names,
        "admin_user": "service",
        "report_user": "manager",
        "category": category.code,
    }, ensure_ascii=False, indent=1))
    print(f"prepare: {len(names)} enterprise users, category {category.code}, sweep every {SWEEP_EVERY_SECONDS} s ({swept} task)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
