"""Benchmark: are the officer's admin pages as fast as Django's own pages of the same rows, and is their query count fixed?

Builds a park with ``bulk_create`` — 1,000 and then 10,000 projects (5 follow-ups each, a stage-history row each,
the four landing milestones of every signed-or-later project), a fifth as many enterprises with a contact each and
half as many service requests — and at each size prints, for an investment officer:

- the project list (``/admin/crm/project/?scope=all``: the same 100 rows as its floor) against its **floor**: Django's
  own changelist of the same model showing the same 100 rows with five plain columns (name, enterprise, stage, total
  investment, owner), a bare ``ModelAdmin`` on a separate ``AdminSite`` mounted by this script; goal: at most 2×;
- the project page (the change form of one signed project with its follow-ups and milestones) against its floor:
  Django's own change form of the same project with raw-id widgets and no inlines or panels; goal: at most 3×;
- the project page once more with its 撞单 check answering nothing (an indexed query since issue 11, item 6), to
  show what the check itself costs;
- the number of queries of the project list (officer's default scope too), the project page, the request queue
  (service request changelist, as a service officer), the workbench (``/admin/``, whatever it is at run time) and the
  kanban (``BENCH_KANBAN_URL``, measured if that URL resolves) — they must be the same at both sizes — each with its
  median time (the pages without a floor are timed on their own).

Each page and its floor are timed in the same process, alternating (ours, floor, ours, floor …), through the test
client with every middleware; medians of ``RUNS`` after a warm-up.

    make bench-admin                                  # SQLite (a file of its own under /tmp, removed after)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zijin make bench-admin   # also PostgreSQL (own database, dropped)
    .venv/bin/python bench/admin_bench.py sqlite|postgres

``BENCH_ADMIN_SIZES=1000,10000`` (the default) sets the sizes.
"""

import datetime as dt
import os
import statistics
import sys
import time
import types
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import postgres_source, scratch_database  # noqa: E402

SIZES = tuple(int(size) for size in os.environ.get("BENCH_ADMIN_SIZES", "1000,10000").split(","))
RUNS = int(os.environ.get("BENCH_ADMIN_RUNS", "7"))
# The kanban is built by another change: BENCH_KANBAN_URL, else the first of these URL names that exists.
KANBAN_URL = os.environ.get("BENCH_KANBAN_URL", "")
KANBAN_NAMES = ("admin:crm_project_kanban", "crm:kanban", "kanban", "pipeline:kanban")
STAGES = ["lead", "contacted", "negotiating", "signed", "registered", "construction", "production", "on_hold", "lost"]
SIGNED_OR_LATER = {"signed", "registered", "construction", "production"}
CHAINS = ["ai", "robotics", "xinchuang", "cloud", "life_health", "smart_manufacturing", "new_materials",
          "digital_economy", "other"]
CHANNELS = ["alliance_event", "business_referral", "fund_led", "chain_led", "intermediary", "walk_in"]
MILESTONES = [("land_delivery", 60), ("construction_start", 200), ("completion", 500), ("full_production", 800)]


def main() -> None:
    engine = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    if engine not in ("sqlite", "postgres"):
        sys.exit("usage: admin_bench.py sqlite|postgres")
    if engine == "postgres" and not postgres_source():
        sys.exit("admin_bench.py postgres needs DATABASE_URL (or BENCH_DATABASE_URL) = postgres://user@host:5432/db")
    with scratch_database("zijin_admin_bench", postgres=engine == "postgres") as where:
        run(where)


def run(where: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's "testserver" host
    started = time.monotonic()
    print(f"Admin benchmark — {where}")
    call_command("migrate", verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            print(cursor.fetchone()[0].split(",")[0])
    else:
        import sqlite3

        print(f"SQLite {sqlite3.sqlite_version}")
    mount_floor()
    world = World()
    results = {}
    for size in SIZES:
        began = time.monotonic()
        counts = world.grow_to(size)
        print(f"\n== {size:,} projects: " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
              + f" — built in {time.monotonic() - began:.1f} s")
        results[size] = world.measure()
        print_timings(results[size]["timings"])
    print_query_counts(results)
    print(f"\ntotal time: {time.monotonic() - started:.0f} s")


# -- the floors: Django's own admin pages of the same model, on a separate AdminSite --------------------------


def mount_floor() -> None:
    """A bare ``ModelAdmin`` of Project on its own ``AdminSite`` at ``/bench-floor/``, beside the real URLs."""
    from django.conf import settings
    from django.contrib import admin
    from django.urls import clear_url_caches, include, path

    from crm.models import Project

    class FloorSite(admin.AdminSite):
        site_header = "floor"

    class FloorProjectAdmin(admin.ModelAdmin):
        list_display = ("name", "enterprise", "stage", "total_investment", "owner")
        list_select_related = ("enterprise", "owner")
        raw_id_fields = ("enterprise", "owner", "co_officers", "park", "source_event")
        # Django's own templates, not the project's overrides of admin/crm/project/* (which any site would pick up).
        change_form_template = "admin/change_form.html"
        change_list_template = "admin/change_list.html"

    site = FloorSite(name="bench_floor")
    site.register(Project, FloorProjectAdmin)
    module = types.ModuleType("bench_admin_urls")
    module.urlpatterns = [path("bench-floor/", site.urls), path("", include(settings.ROOT_URLCONF))]
    sys.modules["bench_admin_urls"] = module
    settings.ROOT_URLCONF = "bench_admin_urls"
    clear_url_caches()


class World:
    """The park's data for the benchmark, grown by ``bulk_create`` from one size to the next."""

    def __init__(self):
        from django.contrib.auth.models import Group

        from crm.models import ServiceCategory, User
        from parks.models import Park

        groups = {g.name: g for g in Group.objects.all()}

        def user(username, group):
            u = User.objects.create(username=username, is_staff=True, display_name=username)
            u.groups.add(groups[group])
            return u

        self.officers = [user(f"officer{i}", "investment_officer") for i in range(30)]
        self.desk = [user(f"desk{i}", "service_officer") for i in range(10)]
        self.submitter = User.objects.create(username="enterprise", display_name="企业用户")
        self.submitter.groups.add(groups["enterprise"])
        self.parks = [Park.objects.create(name=f"园区{i}", kind="industrial_park") for i in range(20)]
        self.categories = [
            ServiceCategory.objects.create(code=f"cat{i}", name=f"类别{i}", sla_unit="calendar_hours", sla_value=h,
                                           sort_order=i)
            for i, h in enumerate([24, 72, 120, 240, 480])
        ]
        self.projects = 0
        self.today = dt.date.today()

    def grow_to(self, n: int) -> dict[str, int]:
        from django.utils import timezone

        from crm.models import (
            Contact,
            Enterprise,
            FollowUp,
            Project,
            ProjectMilestone,
            ProjectStageChange,
            ServiceRequest,
        )

        now = timezone.now()
        first, last = self.projects + 1, n
        enterprises = Enterprise.objects.bulk_create([
            Enterprise(name=f"杭州测试{i}号科技有限公司", industry_chain=CHAINS[i % 9], park=self.parks[i % 20],
                       status="in_park")
            for i in range(first // 5 + 1, last // 5 + 1)
        ] or [Enterprise(name=f"杭州测试{first}号科技有限公司", status="in_park")], batch_size=2000)
        Contact.objects.bulk_create([
            Contact(enterprise=e, name=f"联系人{e.pk}", phone=f"138{e.pk:08d}", is_primary=True) for e in enterprises
        ], batch_size=2000)
        enterprise_ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        projects = []
        for i in range(first, last + 1):
            stage = STAGES[i % 9]
            follow_day = self.today - dt.timedelta(days=i % 60)
            projects.append(Project(
                name=f"测试项目{i}", enterprise_id=enterprise_ids[i % len(enterprise_ids)], industry_chain=CHAINS[i % 9],
                source_channel=CHANNELS[i % 6], total_investment=Decimal(1000 + i % 97 * 1500),
                fixed_asset_investment=Decimal(500), stage=stage, stage_changed_at=now,
                lost_reason="落户外地" if stage == "lost" else "", owner=self.officers[i % 30], park=self.parks[i % 20],
                next_step="电话回访", next_follow_up_on=follow_day + dt.timedelta(days=14), followed_up_on=follow_day,
            ))
        projects = Project.objects.bulk_create(projects, batch_size=2000)
        ProjectStageChange.objects.bulk_create([
            ProjectStageChange(project=p, from_stage="", to_stage=p.stage, actor=p.owner, changed_at=now) for p in projects
        ], batch_size=2000)
        FollowUp.objects.bulk_create([
            FollowUp(project=p, officer=p.owner, kind="visit", note="上门走访，了解用地需求。", next_step="电话回访",
                     occurred_on=p.followed_up_on - dt.timedelta(days=30 * k))
            for p in projects for k in range(5)
        ], batch_size=5000)
        ProjectMilestone.objects.bulk_create([
            ProjectMilestone(project=p, kind=kind, planned_on=self.today + dt.timedelta(days=days - 300),
                             actual_on=self.today + dt.timedelta(days=days - 305) if days < 300 else None)
            for p in projects if p.stage in SIGNED_OR_LATER for kind, days in MILESTONES
        ], batch_size=5000)
        requests = []
        for i in range(self.projects // 2 + 1, n // 2 + 1):
            submitted = now - dt.timedelta(hours=i % 500)
            category = self.categories[i % 5]
            requests.append(ServiceRequest(
                enterprise_id=enterprise_ids[i % len(enterprise_ids)], category=category, title=f"诉求{i}",
                status=("submitted", "accepted", "in_progress", "resolved", "closed")[i % 5], submitted_at=submitted,
                due_at=submitted + dt.timedelta(hours=category.sla_value), submitted_by=self.submitter,
                assignee=None if i % 5 == 0 else self.desk[i % 10],
            ))
        ServiceRequest.objects.bulk_create(requests, batch_size=2000)
        self.projects = n
        self._analyze()
        return {
            "projects": Project.objects.count(), "follow-ups": FollowUp.objects.count(),
            "milestones": ProjectMilestone.objects.count(), "enterprises": Enterprise.objects.count(),
            "service requests": ServiceRequest.objects.count(),
        }

    def _analyze(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    # -- measuring ---------------------------------------------------------------------------------------------

    def page_project(self) -> int:
        """The first signed project: the same row, with the same inlines, at every size."""
        from crm.models import Project

        return Project.objects.filter(stage="signed").order_by("pk").values_list("pk", flat=True).first()

    def client(self, user):
        from django.test import Client

        client = Client()
        client.force_login(user)
        return client

    def measure(self) -> dict:
        officer = self.officers[0]
        client = self.client(officer)
        pk = self.page_project()
        pairs = [
            ("project list", "/admin/crm/project/?scope=all", "/bench-floor/crm/project/"),
            ("project page", f"/admin/crm/project/{pk}/change/", f"/bench-floor/crm/project/{pk}/change/"),
        ]
        timings = []
        for name, ours, floor in pairs:
            for url in (ours, floor):
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
            ours_times, floor_times = [], []
            for _ in range(RUNS):
                ours_times.append(timed(lambda url=ours: client.get(url)))
                floor_times.append(timed(lambda url=floor: client.get(url)))
            timings.append((name, statistics.median(ours_times), statistics.median(floor_times)))
        # The 撞单 check of the page is one indexed query (crm.pipeline.collisions, issue 11 item 6): the page once
        # more with it answering nothing shows what the check itself costs.
        import crm.admin.projects

        real = crm.admin.projects.project_collisions
        crm.admin.projects.project_collisions = lambda **kwargs: []
        try:
            ours_times, floor_times = [], []
            for _ in range(RUNS):
                ours_times.append(timed(lambda: client.get(pairs[1][1])))
                floor_times.append(timed(lambda: client.get(pairs[1][2])))
            timings.append(("page, no 撞单", statistics.median(ours_times), statistics.median(floor_times)))
        finally:
            crm.admin.projects.project_collisions = real
        return {"timings": timings, "queries": self.query_counts(pk)}

    def query_counts(self, pk: int) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        officer, desk = self.client(self.officers[0]), self.client(self.desk[0])
        pages = [
            ("project list (all)", officer, "/admin/crm/project/?scope=all"),
            ("project list (mine)", officer, "/admin/crm/project/?scope=mine_active"),
            ("project list floor", officer, "/bench-floor/crm/project/"),
            ("project page", officer, f"/admin/crm/project/{pk}/change/"),
            ("project page floor", officer, f"/bench-floor/crm/project/{pk}/change/"),
            ("request queue", desk, "/admin/crm/servicerequest/"),
            ("workbench (officer)", officer, "/admin/"),
            ("workbench (desk)", desk, "/admin/"),
        ]
        kanban = kanban_url()
        if kanban:
            pages.append(("kanban", officer, kanban))
        else:
            print("(kanban not measured: no URL named " + ", ".join(KANBAN_NAMES) + "; set BENCH_KANBAN_URL)")
        counts = {}
        for name, client, url in pages:
            client.get(url)  # warm-up: sessions and caches as on a second visit
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                counts[name] = (f"HTTP {response.status_code}", None)
                continue
            # Its time too (median of RUNS): the pages without a floor are timed on their own.
            counts[name] = (len(queries), statistics.median(timed(lambda c=client, u=url: c.get(u)) for _ in range(RUNS)))
        return counts


def kanban_url() -> str:
    from django.urls import NoReverseMatch, Resolver404, resolve, reverse

    if KANBAN_URL:
        try:
            resolve(urlsplit(KANBAN_URL).path)
            return KANBAN_URL
        except Resolver404:
            return ""
    for name in KANBAN_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def print_timings(timings: list) -> None:
    goals = {"project list": 2, "project page": 3, "page, no 撞单": 3}
    print(f"{'page':<14} {'ours':>10} {'floor':>10} {'ratio':>7}  goal")
    for name, ours, floor in timings:
        ratio = ours / floor
        print(f"{name:<14} {ours * 1000:>7.1f} ms {floor * 1000:>7.1f} ms {ratio:>6.1f}×  ≤ {goals[name]}× "
              f"{'ok' if ratio <= goals[name] else 'MISSED'}")


def print_query_counts(results: dict) -> None:
    small, large = SIZES[0], SIZES[-1]
    print(f"\nqueries (median time) per page {small:>9,} projects {large:>12,} projects")
    ok = True
    for key in results[small]["queries"]:
        (a, a_time), (b, b_time) = results[small]["queries"][key], results[large]["queries"].get(key, (None, None))
        ok &= a == b
        print(f"{key:<22} {a!s:>8} {ms(a_time):>11} {b!s:>8} {ms(b_time):>11}{'' if a == b else '   <-- differs'}")
    print("query counts equal at both sizes: " + ("yes" if ok else "NO"))


def ms(seconds: float | None) -> str:
    return "" if seconds is None else f"({seconds * 1000:.1f} ms)"

if __name__ == "__main__":
    main()
