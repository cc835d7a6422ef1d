"""Benchmark: does the reminder sweep cost what is due, or what is open?

Builds 10,000 and then 200,000 open service requests (most of them not due: far from any threshold,
or overdue long ago and already escalated) around the same 200 reminders that are due, runs the sweep
several times at each size and prints the median time, the query count, and the ratio of the two
medians (the goal: close to 1).

Runs on PostgreSQL only, in a database of its own that it creates next to ``DATABASE_URL`` (or
``BENCH_DATABASE_URL``) and drops at the end, so it never touches dev data::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zijin make bench

Each timed run is a steady-state sweep: the previous sweep ran five minutes earlier, and the 200 due
reminders have not been written yet (they are deleted between runs). Deliveries are not timed.
"""

import datetime as dt
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (10_000, 200_000)
RUNS = 7
DUE = {"unassigned": 40, "sla_50": 40, "due": 40, "overdue": 40, "approval_due_soon": 20, "project_stale": 20}


def _database_urls() -> tuple[str, str, str]:
    source = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench needs PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL) to postgres://user@host:5432/db")
    parts = urlsplit(source)
    name = f"zijin_reminders_bench_{os.getpid()}"
    return source, urlunsplit(parts._replace(path=f"/{name}")), name


def main() -> None:
    import psycopg

    source, bench_url, name = _database_urls()
    with psycopg.connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = bench_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
        import django

        django.setup()
        import logging

        logging.getLogger("crm").setLevel(logging.WARNING)
        run_benchmark(name)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the drop below still runs
            pass
        with psycopg.connect(source, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_benchmark(name: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    print(f"Reminder sweep benchmark — database {name} (created for this run, dropped after)")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    world = World()
    world.build_due_items()
    results = []
    for size in SIZES:
        world.grow_to(size)
        results.append((size, *world.measure()))
    print()
    print(f"{'open requests':>14} {'due items':>10} {'median sweep':>13} {'min':>9} {'max':>9} {'queries':>8} {'written':>8}")
    for size, median, low, high, queries, written in results:
        print(f"{size:>14,} {sum(DUE.values()):>10} {median * 1000:>10.1f} ms {low * 1000:>6.1f} ms {high * 1000:>6.1f} ms "
              f"{queries:>8} {written:>8}")
    ratio = results[-1][1] / results[0][1]
    print(f"\nratio of medians ({SIZES[-1]:,} / {SIZES[0]:,} open requests): {ratio:.2f}")
    world.explain()


class World:
    """The park's data for the benchmark, built with bulk inserts relative to one fixed moment."""

    def __init__(self):
        from zoneinfo import ZoneInfo

        from django.contrib.auth.models import Group

        from crm.models import Enterprise, ServiceCategory, User

        self.random = random.Random(20261103)  # noqa: S311 - reproducible data, not security
        self.now = dt.datetime(2026, 11, 3, 0, 5, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday, just past midnight
        groups = {g.name: g for g in Group.objects.all()}

        def user(username, group, email=True):
            u = User.objects.create(
                username=username, is_staff=group != "enterprise", email=f"{username}@bench.example" if email else ""
            )
            u.groups.add(groups[group])
            return u

        self.desk = [user(f"desk{i}", "service_officer") for i in range(5)]
        self.officers = [user(f"officer{i}", "investment_officer") for i in range(20)]
        head = user("head", "service_officer")
        head.groups.add(groups["service_manager"])
        user("leader", "manager")
        self.enterprises = Enterprise.objects.bulk_create(
            [Enterprise(name=f"杭州基准测试{i}号科技有限公司", status="in_park") for i in range(200)]
        )
        self.submitter = user("enterprise", "enterprise", email=False)
        self.permit = ServiceCategory.objects.create(code="work_permit", name="外国人来华工作许可", sla_unit="calendar_hours", sla_value=24)
        self.housing = ServiceCategory.objects.create(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
        self.review = ServiceCategory.objects.create(
            code="project_review", name="项目预审", sla_unit="calendar_hours", sla_value=120 * 24
        )
        self.requests = 0

    # ---- what is due at ``now`` (the same 200 at every size) ----

    def _request(self, *, submitted_at, due_at, status="in_progress", assignee=True, category=None):
        from crm.models import ServiceRequest

        self.requests += 1
        return ServiceRequest(
            enterprise=self.random.choice(self.enterprises),
            category=category or self.permit,
            title=f"基准诉求 {self.requests}",
            status=status,
            submitted_by=self.submitter,
            assignee=self.random.choice(self.desk) if assignee else None,
            submitted_at=submitted_at,
            due_at=due_at,
        )

    def build_due_items(self) -> None:
        from crm.models import ApprovalStep, Project, ServiceRequest

        now, minute, hour = self.now, dt.timedelta(minutes=1), dt.timedelta(hours=1)
        due = []
        for i in range(DUE["unassigned"]):  # submitted 1 h ago, within the last 5 minutes' window
            submitted = now - hour - (i % 5) * minute
            due.append(self._request(submitted_at=submitted, due_at=submitted + 24 * hour, status="submitted", assignee=False))
        for i in range(DUE["sla_50"]):  # 24-hour permits passing 12 h
            submitted = now - 12 * hour - (i % 5) * minute
            due.append(self._request(submitted_at=submitted, due_at=submitted + 24 * hour))
        for i in range(DUE["due"]):
            due_at = now - (i % 5) * minute
            due.append(self._request(submitted_at=due_at - 24 * hour, due_at=due_at))
        for i in range(DUE["overdue"]):
            due_at = now - 4 * hour - (i % 5) * minute
            due.append(self._request(submitted_at=due_at - 24 * hour, due_at=due_at))
        created = ServiceRequest.objects.bulk_create(due)
        step_requests = ServiceRequest.objects.bulk_create(
            [self._request(submitted_at=now - 2 * hour, due_at=now - 2 * hour + 120 * 24 * hour, category=self.review)
             for _ in range(DUE["approval_due_soon"])]
        )
        steps = [  # a far-off request's approval step due in 24 h
            ApprovalStep(request=request, sequence=1, name="外专局审批", due_at=now + 24 * hour - (i % 5) * minute)
            for i, request in enumerate(step_requests)
        ]
        ApprovalStep.objects.bulk_create(steps)
        Project.objects.bulk_create(
            [self._project(followed_up_on=(now - dt.timedelta(days=14)).date(), index=i) for i in range(DUE["project_stale"])]
        )
        if len(created) != 160:
            raise SystemExit("the due requests were not all written")

    def _project(self, *, followed_up_on, index, stage="negotiating"):
        from decimal import Decimal

        from crm.models import Project

        return Project(
            name=f"基准项目 {uuid.uuid4().hex[:10]}",
            enterprise=self.enterprises[index % len(self.enterprises)],
            owner=self.officers[index % len(self.officers)],
            stage=stage,
            total_investment=Decimal("5000"),
            followed_up_on=followed_up_on,
        )

    # ---- what is open but not due ----

    def grow_to(self, size: int) -> None:
        """Add open requests nobody needs reminding of, until ``size`` are open, plus steps and projects."""
        from crm.models import ApprovalStep, Project, ServiceRequest

        started = time.perf_counter()
        now, day, hour = self.now, dt.timedelta(days=1), dt.timedelta(hours=1)
        missing = size - ServiceRequest.objects.open().count()
        batch = []
        for i in range(missing):
            kind = i % 10
            if kind < 6:  # long-running reviews (120 days), submitted in the last weeks: far from 50 % and 80 %
                submitted = now - self.random.randint(1, 40) * day - self.random.randint(1, 23) * hour
                request = self._request(submitted_at=submitted, due_at=submitted + 120 * day, category=self.review)
            elif kind < 8:  # overdue long ago: escalated back then, still open
                due_at = now - self.random.randint(10, 300) * day
                request = self._request(submitted_at=due_at - 24 * hour, due_at=due_at)
            elif kind < 9:  # submitted long ago and still unassigned
                submitted = now - self.random.randint(10, 300) * day
                request = self._request(submitted_at=submitted, due_at=submitted + 5 * day, status="submitted", assignee=False)
            else:  # waiting on an external authority with the clock paused
                submitted = now - self.random.randint(1, 20) * day
                due_at = submitted + self.random.randint(5, 40) * day
                request = self._request(submitted_at=submitted, due_at=due_at, status="waiting_external")
                request.paused_since = now - day
            batch.append(request)
            if len(batch) == 5000:
                self._flush(batch)
        self._flush(batch)
        # One open approval step per five requests, and one active project per ten, none of them due.
        requests = list(ServiceRequest.objects.filter(category=self.review, approval_steps__isnull=True).values_list("pk", flat=True))
        wanted_steps = size // 5 - ApprovalStep.objects.count()
        ApprovalStep.objects.bulk_create(
            [ApprovalStep(request_id=pk, sequence=1, name="材料审核", due_at=now + self.random.randint(3, 200) * day)
             for pk in requests[:max(wanted_steps, 0)]],
            batch_size=5000,
        )
        wanted_projects = size // 10 - Project.objects.count()
        projects = []
        for i in range(max(wanted_projects, 0)):
            if i % 3:  # active, followed up within the last 12 days, next follow-up planned ahead
                project = self._project(followed_up_on=(now - self.random.randint(0, 12) * day).date(), index=i)
                project.next_follow_up_on = (now + self.random.randint(1, 30) * day).date()
            else:  # on hold for months: not chased
                project = self._project(followed_up_on=(now - self.random.randint(40, 400) * day).date(), index=i, stage="on_hold")
            projects.append(project)
        Project.objects.bulk_create(projects, batch_size=5000)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"built {size:,} open requests, {ApprovalStep.objects.count():,} approval steps, "
              f"{Project.objects.count():,} projects in {time.perf_counter() - started:.1f} s")

    @staticmethod
    def _flush(batch: list) -> None:
        from crm.models import ServiceRequest

        if batch:
            ServiceRequest.objects.bulk_create(batch)
            batch.clear()

    # ---- the measurement ----

    def measure(self) -> tuple[float, float, float, int, int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from crm.models import Notification, ReminderRule
        from crm.notifications.sweep import reminders_sweep

        times, queries, written = [], [], set()
        for _ in range(RUNS):
            Notification.objects.all().delete()
            ReminderRule.objects.update(last_swept_at=self.now - dt.timedelta(minutes=5))  # steady state
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                result = reminders_sweep(now=self.now, deliver=lambda pk: None)
                times.append(time.perf_counter() - started)
            queries.append(len(captured.captured_queries))
            written.add(len({n.key for n in result.created}))
            seen = set()
        if written != {sum(DUE.values())}:
            from collections import Counter

            by_rule = Counter(n.rule for n in result.created if n.channel == "in_app" and n.key not in seen)
            raise SystemExit(f"expected {sum(DUE.values())} reminders per sweep, got {written}: {by_rule}")
        # The first run also fills the content-type cache; the query count is that of a warm sweep.
        return statistics.median(times), min(times), max(times), queries[-1], len(result.created)

    def explain(self) -> None:
        """Print which index each rule's query uses at the largest size."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from crm.models import Notification, ReminderRule
        from crm.notifications.sweep import reminders_sweep

        Notification.objects.all().delete()
        ReminderRule.objects.update(last_swept_at=self.now - dt.timedelta(minutes=5))
        with CaptureQueriesContext(connection) as captured:
            reminders_sweep(now=self.now, dry_run=True)
        print("\nindexes used by the rule queries (EXPLAIN at the largest size):")
        with connection.cursor() as cursor:
            for query in captured.captured_queries:
                sql = query["sql"]
                table = sql.split(" FROM ")[1].split()[0] if " FROM " in sql else ""
                if not sql.startswith("SELECT") or table not in ('"crm_servicerequest"', '"crm_approvalstep"', '"crm_project"'):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = [row[0] for row in cursor.fetchall()]
                used = sorted(
                    {line.split(" using " if " using " in line else " Index Scan on ")[1].split()[0]
                     for line in plan if (" using " in line or " Index Scan on " in line) and "_pkey" not in line}
                )
                print(f"  {table:<22} {', '.join(used) or 'no index: ' + plan[0]}")
                if os.environ.get("BENCH_PLANS"):
                    print("\n".join("      " + line for line in plan))


if __name__ == "__main__":
    main()
