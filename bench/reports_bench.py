"""Benchmark: are the manager reports as fast as the SQL they stand for, and is their query count fixed?

Builds the park's data twice — 1,000 and then 100,000 projects (10 follow-ups and about 10 stage
changes each, so 1,000,000 of both at the large size), twice as many service requests, a fifth as many
enterprises, land parcels and spaces, one policy grant per project — with bulk SQL (``INSERT ... SELECT
generate_series``) and the ORM's ``bulk_create``. At each size it then prints:

- for each report, the time of its selector (``reports.selectors``: what the page, the Excel export
  and the API call) next to the time of hand-written SQL computing the same figures, run in the same
  process on the same connection (the floor), and their ratio — the goal is at most 2; the figures of
  both are compared, so the floor is known to be equivalent;
- the number of queries of each page, its Excel export and its API answer (they must not change
  between the two sizes).

Runs on PostgreSQL only, in a database of its own that it creates next to ``DATABASE_URL`` (or
``BENCH_DATABASE_URL``) and drops at the end, so it never touches dev data::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zijin make bench-reports

Timings are medians of ``RUNS`` runs after one warm-up run, on the report's default view (no filter:
every row is read). ``BENCH_REPORT_SIZES=1000,100000`` (the default) sets the sizes.
"""

import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# BENCH_REPORT_SIZES=1000 for a quick trial; the comparison of query counts needs two sizes.
SIZES = tuple(int(size) for size in os.environ.get("BENCH_REPORT_SIZES", "1000,100000").split(","))
RUNS = 3
PIPELINE = ["lead", "contacted", "negotiating", "signed", "registered", "construction", "production"]
CHAINS = ["ai", "robotics", "xinchuang", "cloud", "life_health", "smart_manufacturing", "new_materials",
          "digital_economy", "other"]
CHANNELS = ["alliance_event", "business_referral", "fund_led", "chain_led", "intermediary", "walk_in"]
CATEGORY_HOURS = [24, 72, 120, 240, 480]


def _database_urls() -> tuple[str, str, str]:
    source = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench-reports needs PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL) to postgres://user@host:5432/db")
    parts = urlsplit(source)
    name = f"zijin_reports_bench_{os.getpid()}"
    return source, urlunsplit(parts._replace(path=f"/{name}")), name


def main() -> None:
    if sys.argv[1:] == ["sqlite"]:
        sqlite_main()
        return
    import psycopg

    source, bench_url, name = _database_urls()
    with psycopg.connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.monotonic()
    try:
        os.environ["DATABASE_URL"] = bench_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
        import django

        django.setup()
        import logging

        logging.getLogger("axes").setLevel(logging.WARNING)
        logging.getLogger("django.request").setLevel(logging.ERROR)
        run_benchmark(name)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the drop below still runs
            pass
        with psycopg.connect(source, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(f"\ntotal time: {time.monotonic() - started:.0f} s")


def run_benchmark(name: str) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's "testserver" host
    print(f"Manager reports benchmark — database {name} (created for this run, dropped after)")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    world = World()
    results = {}
    for size in SIZES:
        started = time.monotonic()
        counts = world.generate(size)
        print(f"\n== {size:,} projects: " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
              + f" — generated in {time.monotonic() - started:.0f} s")
        results[size] = world.measure()
        print_timings(results[size])
    print_query_counts(results)


def print_timings(result: dict) -> None:
    print(f"summary tables rebuilt from scratch in {result['rebuild']:.1f} s")
    print(f"{'selector':<10} {'ours':>12} {'SQL floor':>12} {'ratio':>7}  figures")
    for name, orm, floor, same in result["timings"]:
        if floor is None:
            print(f"{name:<10} {orm * 1000:>9.1f} ms {'—':>12} {'—':>7}")
            continue
        print(f"{name:<10} {orm * 1000:>9.1f} ms {floor * 1000:>9.1f} ms {orm / floor:>7.2f}  {'same' if same else 'DIFFERENT'}")
    summary, raw, same = result["paths"]
    print(f"pipeline from the summaries {summary * 1000:.1f} ms, from the raw rows {raw * 1000:.1f} ms: "
          f"raw / summaries {raw / summary:.1f} — figures {'identical' if same else 'DIFFERENT'}")
    cached, computed, same = result["service_paths"]
    print(f"service from the cache {cached * 1000:.1f} ms, computed {computed * 1000:.1f} ms: "
          f"computed / cached {computed / cached:.1f} — figures {'identical' if same else 'DIFFERENT'}")
    print(f"{'page':<10} {'median':>12} {'floor page':>12} {'ratio':>7}")
    for name, ours, floor in result["pages"]:
        print(f"{name:<10} {ours * 1000:>9.1f} ms {floor * 1000:>9.1f} ms {ours / floor:>7.2f}")


def print_query_counts(results: dict) -> None:
    small, large = SIZES[0], SIZES[-1]
    print(f"\nqueries per answer   {small:>9,} projects {large:>9,} projects")
    ok = True
    for key in results[small]["queries"]:
        a, b = results[small]["queries"][key], results[large]["queries"][key]
        ok &= a == b
        print(f"{key:<20} {a:>18} {b:>18}{'' if a == b else '   <-- differs'}")
    print("query counts equal at both sizes: " + ("yes" if ok else "NO"))


class World:
    """The park's data for the benchmark, relative to one fixed moment (2026-06-30 12:00 in Hangzhou)."""

    def __init__(self):
        from zoneinfo import ZoneInfo

        from django.contrib.auth.models import Group

        from crm.models import ServiceCategory, User, YearlyTarget
        from parks.models import Park, Policy, PolicyClause

        self.now = dt.datetime(2026, 6, 30, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
        groups = {g.name: g for g in Group.objects.all()}

        def user(username, group):
            u = User.objects.create(username=username, is_staff=group != "enterprise", display_name=username)
            u.groups.add(groups[group])
            return u

        self.officers = [user(f"officer{i}", "investment_officer").pk for i in range(30)]
        self.desk = [user(f"desk{i}", "service_officer").pk for i in range(10)]
        self.manager = user("boss", "manager")
        self.submitter = user("enterprise", "enterprise").pk
        self.parks = [Park.objects.create(name=f"园区{i}", kind="industrial_park").pk for i in range(20)]
        self.categories = [
            ServiceCategory.objects.create(code=f"cat{i}", name=f"类别{i}", sla_unit="calendar_hours", sla_value=hours,
                                           sort_order=i).pk
            for i, hours in enumerate(CATEGORY_HOURS)
        ]
        self.clauses = []
        for p in range(20):
            policy = Policy.objects.create(name=f"政策{p}")
            self.clauses += [
                PolicyClause.objects.create(policy=policy, number=c + 1, title=f"条款{c + 1}", benefit_kind="other").pk
                for c in range(10)
            ]
        YearlyTarget.objects.create(year=2026, metric="landed_key_projects", target=Decimal("32"))
        YearlyTarget.objects.create(year=2026, metric="signed_investment", target=Decimal("1500000"))

    # -- data ------------------------------------------------------------------------------------------

    def generate(self, n: int) -> dict[str, int]:
        from django.db import connection

        enterprises = max(n // 5, 1)
        params = {
            "n": n, "enterprises": enterprises, "officers": self.officers, "desk": self.desk, "parks": self.parks,
            "categories": self.categories, "hours": CATEGORY_HOURS, "pipeline": PIPELINE, "chains": CHAINS,
            "channels": CHANNELS, "submitter": self.submitter, "now": self.now,
        }
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE crm_enterprise, crm_project, crm_projectstagechange, crm_followup, crm_projectmilestone, "
                "crm_capitalarrival, crm_servicerequest, crm_servicerequesttransition, crm_approvalstep, "
                "parks_landparcel, parks_space, parks_policygrant RESTART IDENTITY CASCADE"
            )
            cursor.execute("SELECT setseed(0.42)")
            for statement in GENERATE:
                cursor.execute(statement, params)
        self._bulk_supply(n, enterprises)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            counts = {}
            for table, label in [
                ("crm_project", "projects"), ("crm_projectstagechange", "stage changes"), ("crm_followup", "follow-ups"),
                ("crm_servicerequest", "service requests"), ("crm_enterprise", "enterprises"),
                ("parks_landparcel", "parcels"), ("parks_space", "spaces"), ("parks_policygrant", "grants"),
            ]:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - table names are the literals above
                counts[label] = cursor.fetchone()[0]
        return counts

    def generate_in_python(self, n: int) -> dict[str, int]:
        """The ``GENERATE`` park in Python (``bulk_create``), for SQLite: the same shapes, ``random.Random(42)``."""
        import random

        from crm.models import (
            CapitalArrival,
            Enterprise,
            FollowUp,
            Project,
            ProjectMilestone,
            ProjectStageChange,
            ServiceRequest,
        )

        rng = random.Random(42)  # noqa: S311 - test data
        enterprises = max(n // 5, 1)
        Enterprise.objects.bulk_create([
            Enterprise(id=g, name=f"企业{g}", name_key=f"企业{g}", status="in_park", industry_chain=CHAINS[g % 9],
                       jurisdiction=("sandun", "jiangcun", "")[g % 3], park_id=self.parks[g % 20])
            for g in range(1, enterprises + 1)
        ], batch_size=2000)
        projects, changes, arrivals, milestones = [], [], [], []
        start = dt.datetime(2018, 1, 1, 10, tzinfo=self.now.tzinfo)
        for pid in range(1, n + 1):
            r1 = rng.random()
            f = next(i for i, edge in enumerate((.25, .45, .63, .75, .85, .93, 1.01)) if r1 < edge)
            h = int(rng.random() * 8)
            r3 = rng.random()
            side = 0 if r1 >= .93 else 2 if r3 < .10 else 1 if r3 < .15 else 0
            t0 = start + dt.timedelta(days=rng.random() * 2190)
            gap = 3 + int(rng.random() * 30)
            amount = Decimal(str(round(rng.random() ** 3 * 300000, 2)))
            length = f + 1 + 2 * h + (side > 0)
            stage = {2: "lost", 1: "on_hold"}.get(side, PIPELINE[f])
            moments = [t0 + dt.timedelta(days=j * gap, hours=j * 7 % 5) for j in range(length)]
            projects.append(Project(
                id=pid, created_at=t0, name=f"项目{pid}", industry_chain=CHAINS[pid % 9], source_channel=CHANNELS[pid % 6],
                total_investment=amount, fixed_asset_investment=(amount * Decimal("0.6")).quantize(Decimal("0.01")),
                stage=stage, stage_changed_at=moments[-1], lost_reason="落户外地" if side == 2 else "",
                enterprise_id=1 + pid % enterprises, owner_id=self.officers[pid % 30],
                park_id=None if pid % 10 == 0 else self.parks[pid % 20],
            ))
            for j in range(length):
                if j == 0:
                    before = ""
                elif j <= f:
                    before = PIPELINE[j - 1]
                elif j <= f + 2 * h and (j - f) % 2 == 0:
                    before = "on_hold"
                else:
                    before = PIPELINE[f]
                if j <= f:
                    after = PIPELINE[j]
                elif j <= f + 2 * h:
                    after = "on_hold" if (j - f) % 2 == 1 else PIPELINE[f]
                else:
                    after = "lost" if side == 2 else "on_hold"
                changes.append(ProjectStageChange(project_id=pid, from_stage=before, to_stage=after,
                                                  changed_at=moments[j], actor_id=self.officers[pid % 30]))
            if f >= 4:
                for kind, days, reached in (("construction_start", 400, 5), ("completion", 900, 6)):
                    milestones.append(ProjectMilestone(
                        project_id=pid, kind=kind, planned_on=(t0 + dt.timedelta(days=days)).date(),
                        actual_on=(t0 + dt.timedelta(days=days + pid % 40 - 15)).date() if f >= reached else None))
            for days, share, reached in ((300, Decimal("0.3"), 3), (500, Decimal("0.2"), 5)):
                if f >= reached and amount >= 10:
                    arrivals.append(CapitalArrival(project_id=pid, arrived_on=(t0 + dt.timedelta(days=days)).date(),
                                                   amount=(amount * share).quantize(Decimal("0.01"))))
        Project.objects.bulk_create(projects, batch_size=2000)
        ProjectStageChange.objects.bulk_create(changes, batch_size=5000)
        ProjectMilestone.objects.bulk_create(milestones, batch_size=5000)
        CapitalArrival.objects.bulk_create(arrivals, batch_size=5000)
        FollowUp.objects.bulk_create([
            FollowUp(kind="visit", occurred_on=dt.date(2018, 1, 1) + dt.timedelta(days=g % 3100), note="上门走访",
                     officer_id=self.officers[g % 30], project_id=1 + g % n)
            for g in range(1, 10 * n + 1)
        ], batch_size=5000)
        requests = []
        for g in range(1, 2 * n + 1):
            c = g % 5
            status = ("closed", "closed", "resolved", "submitted", "accepted", "in_progress", "rejected", "closed")[g % 8]
            submitted = self.now - dt.timedelta(hours=1 + g % 20000)
            due = submitted + dt.timedelta(hours=CATEGORY_HOURS[c])
            requests.append(ServiceRequest(
                title=f"诉求{g}", status=status, submitted_at=submitted, due_at=due,
                rejection_reason="不属于受理范围" if status == "rejected" else "",
                resolved_at=submitted + dt.timedelta(hours=CATEGORY_HOURS[c] * (g % 3) / 2)
                if status in ("resolved", "closed") else None,
                satisfaction=1 + g % 5 if status == "closed" and g % 3 else None,
                assignee_id=None if status == "submitted" else self.desk[g % 10], category_id=self.categories[c],
                enterprise_id=1 + g % enterprises, submitted_by_id=self.submitter,
            ))
        ServiceRequest.objects.bulk_create(requests, batch_size=2000)
        self._bulk_supply(n, enterprises)
        return {"projects": n, "stage changes": len(changes), "follow-ups": 10 * n, "service requests": 2 * n,
                "enterprises": enterprises}

    def _bulk_supply(self, n: int, enterprises: int) -> None:
        """Parcels, spaces and grants through the ORM (their models gain columns often; bulk_create keeps up)."""
        from parks.models import LandParcel, PolicyGrant, Space

        uses = ["M1", "M0", "B", "R", "BR", "RD"]
        statuses = ["planned", "available", "reserved", "listed", "transferred", "under_construction", "delivered"]
        parcels = []
        for i in range(1, max(n // 5, 1) + 1):
            status = statuses[i % 7]
            committed = status in ("reserved", "transferred", "under_construction", "delivered")
            parcels.append(LandParcel(
                code=f"B-{i}", park_id=self.parks[i % 20], land_use=uses[i % 6], area_m2=Decimal(5000 + i % 50 * 1000),
                status=status, project_id=i if committed else None,
                transferred_on=dt.date(2020, 1, 1) + dt.timedelta(days=i % 2400) if status not in
                ("planned", "available", "reserved", "listed") else None,
            ))
        LandParcel.objects.bulk_create(parcels, batch_size=5000)
        spaces = []
        for i in range(1, max(n // 5, 1) + 1):
            status = ("occupied", "vacant", "reserved")[i % 3]
            spaces.append(Space(
                park_id=self.parks[i % 20], building=f"{i // 50}号楼", unit=str(i), area_m2=Decimal(100 + i % 20 * 50),
                status=status, occupant_id=1 + i % enterprises if status == "occupied" else None,
            ))
        Space.objects.bulk_create(spaces, batch_size=5000)
        grants = []
        for i in range(1, n + 1):
            status = ("applied", "approved", "disbursed", "rejected")[i % 4]
            applied = Decimal(10 + i % 500)
            approved = (applied * Decimal("0.8")).quantize(Decimal("0.01")) if status in ("approved", "disbursed") else None
            applied_on = dt.date(2021, 1, 1) + dt.timedelta(days=i % 1900)
            grants.append(PolicyGrant(
                clause_id=self.clauses[i % len(self.clauses)], enterprise_id=1 + i % enterprises, status=status,
                applied_amount=applied, applied_on=applied_on,
                approved_amount=approved, approved_on=applied_on + dt.timedelta(days=30) if approved else None,
                disbursed_amount=(approved / 2).quantize(Decimal("0.01")) if status == "disbursed" else None,
                disbursed_on=applied_on + dt.timedelta(days=60) if status == "disbursed" else None,
                decision_note="不符合条件" if status == "rejected" else "",
            ))
        PolicyGrant.objects.bulk_create(grants, batch_size=5000)

    # -- measuring -------------------------------------------------------------------------------------

    def measure(self, *, floor_sql: bool = True) -> dict:
        from reports.selectors.common import ReportFilters
        from reports.selectors.land import land_report
        from reports.selectors.pipeline import pipeline_report as pipeline_from_raw
        from reports.selectors.pipeline_summary import pipeline_page_report, pipeline_report_from_summaries
        from reports.selectors.policy import policy_report
        from reports.selectors.service import service_report
        from reports.summaries import rebuild

        started = time.monotonic()
        rebuild()  # the nightly task's work, from scratch
        rebuilt = time.monotonic() - started
        filters = ReportFilters()
        timings = []
        for name, selector, floor, compare in [
            ("pipeline", pipeline_page_report, PIPELINE_FLOOR, same_pipeline),
            ("service", service_report, SERVICE_FLOOR, same_service),
            ("land", land_report, LAND_FLOOR, same_land),
            ("policies", policy_report, POLICY_FLOOR, same_policies),
        ]:
            report = selector(filters=filters, now=self.now)
            orm = median_time(lambda selector=selector: selector(filters=filters, now=self.now))
            if not floor_sql:  # the hand-written floor is PostgreSQL SQL
                timings.append((name, orm, None, None))
                continue
            rows = run_floor(floor, self.params_for_floor())
            raw = median_time(lambda floor=floor: run_floor(floor, self.params_for_floor()))
            timings.append((name, orm, raw, compare(report, rows)))
        # The pipeline's two paths side by side: the summaries (what the page reads) and the raw rows.
        summary_report = pipeline_report_from_summaries(filters=filters, now=self.now)
        raw_report = pipeline_from_raw(filters=filters, now=self.now)
        paths = (
            median_time(lambda: pipeline_report_from_summaries(filters=filters, now=self.now)),
            median_time(lambda: pipeline_from_raw(filters=filters, now=self.now)),
            summary_report == raw_report,
        )
        # The service page's two paths: its clock-free figures from the cache (warm), and everything computed.
        from django.test import override_settings

        with override_settings(REPORTS_SUMMARY_CACHE_SECONDS=0):
            computed = service_report(filters=filters, now=self.now)
            computed_time = median_time(lambda: service_report(filters=filters, now=self.now))
        cached = service_report(filters=filters, now=self.now)
        service_paths = (median_time(lambda: service_report(filters=filters, now=self.now)), computed_time,
                         cached == computed)
        return {"timings": timings, "paths": paths, "service_paths": service_paths, "rebuild": rebuilt,
                "pages": self.page_times(),
                "queries": self.query_counts()}

    def page_times(self, runs: int = 5) -> list[tuple]:
        """Each whole page (test Client GET as a manager) against its floor, alternating: the same page with a
        filter that does not validate — session, manager check, form, template and header, no figures."""
        client = self.client()
        times = []
        for name in ("pipeline", "service", "land", "policies"):
            # 全部时间: every row, as the selectors above (the page's default period is the current year's).
            ours, floor = f"/reports/{name}/?period=all", f"/reports/{name}/?period=all&start=x"
            client.get(ours), client.get(floor)  # warm-up
            ours_times, floor_times = [], []
            for _ in range(runs):
                ours_times.append(timed(lambda url=ours: client.get(url)))
                floor_times.append(timed(lambda url=floor: client.get(url)))
            times.append((name, statistics.median(ours_times), statistics.median(floor_times)))
        return times

    def params_for_floor(self) -> dict:
        year = self.now.year
        return {
            "now": self.now, "today": self.now.date(), "horizon": self.now.date() + dt.timedelta(days=30),
            "soon": self.now + dt.timedelta(hours=24), "year_start": dt.date(year, 1, 1), "year_end": dt.date(year, 12, 31),
            "year_from": dt.datetime(year, 1, 1, tzinfo=self.now.tzinfo),
            "year_to": dt.datetime(year + 1, 1, 1, tzinfo=self.now.tzinfo),
        }

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.manager)
        return client

    def query_counts(self) -> dict:
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from rest_framework.test import APIClient

        page_client = self.client()
        api = APIClient()
        api.force_authenticate(self.manager)
        counts = {}
        for name in ("pipeline", "service", "land", "policies"):
            for kind, client, url in [
                ("page", page_client, f"/reports/{name}/"),
                ("export", page_client, f"/reports/{name}/export.xlsx"),
                ("api", api, f"/api/v1/reports/{name}/"),
            ]:
                cache.clear()  # uncached answers: the pipeline's cached figures would make the count depend on order
                with CaptureQueriesContext(connection) as queries:
                    response = client.get(url)
                    if getattr(response, "streaming", False):
                        b"".join(response.streaming_content)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
                counts[f"{name} {kind}"] = len(queries)
        return counts


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def median_time(call, runs: int = RUNS) -> float:
    call()  # warm-up: plans cached, pages in the buffer cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_floor(statements: dict[str, str], params: dict) -> dict[str, list]:
    from django.db import connection

    rows = {}
    with connection.cursor() as cursor:
        for key, sql in statements.items():
            cursor.execute(sql, params)
            rows[key] = cursor.fetchall()
    return rows


# -- data generation: the pipeline and the service desk, in bulk SQL --------------------------------------

GENERATE = [
    "DROP TABLE IF EXISTS bench_spec, bench_request",
    # One row per project: its final pipeline stage (index f), hold-and-resume cycles at that stage (h),
    # whether it ends on hold (1) or lost (2), when it entered the pipeline, the days between moves, its investment.
    """
    CREATE TEMP TABLE bench_spec AS
    SELECT id,
           CASE WHEN r1 < .25 THEN 0 WHEN r1 < .45 THEN 1 WHEN r1 < .63 THEN 2 WHEN r1 < .75 THEN 3
                WHEN r1 < .85 THEN 4 WHEN r1 < .93 THEN 5 ELSE 6 END AS f,
           floor(r2 * 8)::int AS h,
           CASE WHEN r1 >= .93 THEN 0 WHEN r3 < .10 THEN 2 WHEN r3 < .15 THEN 1 ELSE 0 END AS side,
           timestamptz '2018-01-01 10:00+08' + r4 * interval '2190 days' AS t0,
           (3 + floor(r5 * 30))::int AS gap,
           round((power(r6, 3) * 300000)::numeric, 2) AS amount
    FROM (SELECT g AS id, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
          FROM generate_series(1, %(n)s) g) x
    """,
    "ALTER TABLE bench_spec ADD COLUMN len int",
    "UPDATE bench_spec SET len = f + 1 + 2 * h + (side > 0)::int",
    """
    INSERT INTO crm_enterprise (id, created_at, updated_at, name, name_key, short_name, credit_code, status,
                                industry_chain, chain_segment, jurisdiction, address, description, park_id)
    SELECT g, %(now)s, %(now)s, '企业' || g, '企业' || g, '', '', 'in_park', (%(chains)s::text[])[1 + g %% 9], '',
           (ARRAY['sandun', 'jiangcun', ''])[1 + g %% 3], '', '', (%(parks)s::bigint[])[1 + g %% 20]
    FROM generate_series(1, %(enterprises)s) g
    """,
    """
    INSERT INTO crm_project (id, created_at, updated_at, name, industry_chain, chain_segment, segment, source_channel,
                             total_investment, fixed_asset_investment, expected_annual_output, expected_annual_tax,
                             land_use_need, stage, stage_changed_at, lost_reason, next_step, enterprise_id, owner_id,
                             park_id)
    SELECT s.id, s.t0, s.t0, '项目' || s.id, (%(chains)s::text[])[1 + s.id %% 9], '', '',
           (%(channels)s::text[])[1 + s.id %% 6],
           s.amount, round(s.amount * 0.6, 2), 0, 0, '',
           CASE s.side WHEN 2 THEN 'lost' WHEN 1 THEN 'on_hold' ELSE (%(pipeline)s::text[])[s.f + 1] END,
           s.t0 + (s.len - 1) * s.gap * interval '1 day' + ((s.len - 1) * 7 %% 5) * interval '1 hour',
           CASE WHEN s.side = 2 THEN '落户外地' ELSE '' END, '', 1 + s.id %% %(enterprises)s,
           (%(officers)s::bigint[])[1 + s.id %% 30],
           CASE WHEN s.id %% 10 = 0 THEN NULL ELSE (%(parks)s::bigint[])[1 + s.id %% 20] END
    FROM bench_spec s
    """,
    # The history: forward one stage at a time to stage f, then h times on hold and back, then maybe on hold or lost.
    """
    INSERT INTO crm_projectstagechange (project_id, from_stage, to_stage, note, changed_at, actor_id)
    SELECT s.id,
           CASE WHEN j = 0 THEN ''
                WHEN j <= s.f THEN (%(pipeline)s::text[])[j]
                WHEN j <= s.f + 2 * s.h AND (j - s.f) %% 2 = 0 THEN 'on_hold'
                ELSE (%(pipeline)s::text[])[s.f + 1] END,
           CASE WHEN j <= s.f THEN (%(pipeline)s::text[])[j + 1]
                WHEN j <= s.f + 2 * s.h AND (j - s.f) %% 2 = 1 THEN 'on_hold'
                WHEN j <= s.f + 2 * s.h THEN (%(pipeline)s::text[])[s.f + 1]
                WHEN s.side = 2 THEN 'lost' ELSE 'on_hold' END,
           CASE WHEN j = s.len - 1 AND s.side = 2 THEN '落户外地' ELSE '' END,
           s.t0 + j * s.gap * interval '1 day' + (j * 7 %% 5) * interval '1 hour',
           (%(officers)s::bigint[])[1 + s.id %% 30]
    FROM bench_spec s CROSS JOIN LATERAL generate_series(0, s.len - 1) j
    """,
    """
    INSERT INTO crm_followup (created_at, updated_at, kind, occurred_on, note, next_step, officer_id, project_id)
    SELECT %(now)s, %(now)s, 'visit', date '2018-01-01' + g %% 3100, '上门走访', '', (%(officers)s::bigint[])[1 + g %% 30],
           1 + g %% %(n)s
    FROM generate_series(1, 10 * %(n)s) g
    """,
    # Landing records of the projects that reached 注册落地: 开工 and 竣工 planned, actual when they got there.
    """
    INSERT INTO crm_projectmilestone (created_at, updated_at, kind, planned_on, actual_on, project_id)
    SELECT %(now)s, %(now)s, k.kind, (s.t0 + k.days * interval '1 day')::date,
           CASE WHEN s.f >= k.reached THEN (s.t0 + (k.days + s.id %% 40 - 15) * interval '1 day')::date END, s.id
    FROM bench_spec s
    CROSS JOIN (VALUES ('construction_start', 400, 5), ('completion', 900, 6)) AS k(kind, days, reached)
    WHERE s.f >= 4
    """,
    """
    INSERT INTO crm_capitalarrival (created_at, updated_at, arrived_on, amount, note, project_id)
    SELECT %(now)s, %(now)s, (s.t0 + a.days * interval '1 day')::date, round(s.amount * a.share, 2), '', s.id
    FROM bench_spec s CROSS JOIN (VALUES (300, 0.3, 3), (500, 0.2, 5)) AS a(days, share, reached)
    WHERE s.f >= a.reached AND s.amount >= 10
    """,
    # Service requests: most done (closed, some rated), recent ones open, a few rejected or withdrawn.
    """
    CREATE TEMP TABLE bench_request AS
    SELECT g AS id, r1, r2, r3, 1 + g %% 5 AS c,
           CASE WHEN r1 < .45 THEN 'closed' WHEN r1 < .60 THEN 'resolved' WHEN r1 < .70 THEN 'submitted'
                WHEN r1 < .78 THEN 'accepted' WHEN r1 < .86 THEN 'in_progress' WHEN r1 < .90 THEN 'waiting_external'
                WHEN r1 < .95 THEN 'rejected' ELSE 'withdrawn' END AS status
    FROM (SELECT g, random() r1, random() r2, random() r3 FROM generate_series(1, 2 * %(n)s) g) x
    """,
    """
    ALTER TABLE bench_request ADD COLUMN submitted timestamptz
    """,
    """
    UPDATE bench_request SET submitted = CASE
        WHEN status IN ('submitted', 'accepted', 'in_progress', 'waiting_external')
        THEN %(now)s - r2 * interval '30 days'
        ELSE timestamptz '2021-01-01 09:00+08' + r2 * (%(now)s - timestamptz '2021-02-01 09:00+08') END
    """,
    """
    INSERT INTO crm_servicerequest (id, created_at, updated_at, title, description, details, status, submitted_at,
                                    due_at, resolved_at, paused_seconds, paused_since, rejection_reason, satisfaction,
                                    satisfaction_comment, assignee_id, category_id, enterprise_id, submitted_by_id)
    SELECT r.id, r.submitted, r.submitted, '诉求' || r.id, '', '{}', r.status, r.submitted,
           r.submitted + (%(hours)s::int[])[r.c] * interval '1 hour',
           CASE WHEN r.status IN ('resolved', 'closed')
                THEN r.submitted + r.r3 * 1.5 * (%(hours)s::int[])[r.c] * interval '1 hour' END,
           0, NULL, CASE WHEN r.status = 'rejected' THEN '不属于受理范围' ELSE '' END,
           CASE WHEN r.status = 'closed' AND r.r2 < .7 THEN 1 + floor(r.r3 * 4.99)::int END, '',
           CASE WHEN r.status NOT IN ('submitted', 'withdrawn') THEN (%(desk)s::bigint[])[1 + r.id %% 10] END,
           (%(categories)s::bigint[])[r.c], 1 + r.id %% %(enterprises)s, %(submitter)s
    FROM bench_request r
    """,
    """
    INSERT INTO crm_approvalstep (created_at, updated_at, sequence, name, authority, due_at, completed_at, request_id)
    SELECT %(now)s, %(now)s, k, '环节' || k, '', r.submitted + k * interval '24 hours',
           CASE WHEN r.status IN ('resolved', 'closed') THEN r.submitted + k * interval '24 hours'
                + (CASE WHEN r.id %% 3 = 0 THEN 3 ELSE -2 END) * interval '1 hour' END,
           r.id
    FROM bench_request r CROSS JOIN generate_series(1, 3) k
    WHERE r.id %% 10 = 0
    """,
]


# -- the floor: hand-written SQL for the same figures ---------------------------------------------------

PIPELINE_FLOOR = {
    "stages": """
        SELECT stage, count(*), sum(total_investment),
               count(*) FILTER (WHERE total_investment >= 10000), sum(total_investment) FILTER (WHERE total_investment >= 10000),
               count(*) FILTER (WHERE total_investment >= 100000), sum(total_investment) FILTER (WHERE total_investment >= 100000)
        FROM crm_project GROUP BY stage
    """,
    "funnel": """
        SELECT to_stage, count(DISTINCT project_id) FROM crm_projectstagechange
        WHERE to_stage IN ('lead', 'contacted', 'negotiating', 'signed', 'registered', 'construction', 'production')
        GROUP BY to_stage
    """,
    "durations": """
        SELECT stage, count(*), avg(seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)
        FROM (SELECT to_stage AS stage,
                     extract(epoch FROM lead(changed_at) OVER (PARTITION BY project_id ORDER BY changed_at, id) - changed_at)
                     AS seconds
              FROM crm_projectstagechange) stays
        WHERE seconds IS NOT NULL GROUP BY stage
    """,
    "by_chain": """
        SELECT industry_chain, count(*), sum(total_investment),
               count(*) FILTER (WHERE stage IN ('registered', 'construction', 'production'))
        FROM crm_project GROUP BY industry_chain
    """,
    "by_channel": """
        SELECT source_channel, count(*), sum(total_investment),
               count(*) FILTER (WHERE stage IN ('registered', 'construction', 'production'))
        FROM crm_project GROUP BY source_channel
    """,
    "by_owner": """
        SELECT p.owner_id, u.display_name, u.first_name, u.last_name, u.username, count(*), sum(p.total_investment),
               count(*) FILTER (WHERE p.stage IN ('registered', 'construction', 'production'))
        FROM crm_project p JOIN crm_user u ON u.id = p.owner_id GROUP BY 1, 2, 3, 4, 5
    """,
    "by_park": """
        SELECT p.park_id, k.name, k.short_name, count(*), sum(p.total_investment),
               count(*) FILTER (WHERE p.stage IN ('registered', 'construction', 'production'))
        FROM crm_project p LEFT JOIN parks_park k ON k.id = p.park_id GROUP BY 1, 2, 3
    """,
    "by_jurisdiction": """
        SELECT e.jurisdiction, count(*), sum(p.total_investment),
               count(*) FILTER (WHERE p.stage IN ('registered', 'construction', 'production'))
        FROM crm_project p JOIN crm_enterprise e ON e.id = p.enterprise_id GROUP BY 1
    """,
    "this_year": """
        WITH landed AS (SELECT DISTINCT project_id FROM crm_projectstagechange
                        WHERE to_stage = 'registered' AND changed_at >= %(year_from)s AND changed_at < %(year_to)s),
             signed AS (SELECT DISTINCT project_id FROM crm_projectstagechange
                        WHERE to_stage = 'signed' AND changed_at >= %(year_from)s AND changed_at < %(year_to)s)
        SELECT count(l.project_id), sum(p.total_investment) FILTER (WHERE l.project_id IS NOT NULL),
               count(l.project_id) FILTER (WHERE p.total_investment >= 10000),
               sum(p.total_investment) FILTER (WHERE l.project_id IS NOT NULL AND p.total_investment >= 10000),
               count(s.project_id), sum(p.total_investment) FILTER (WHERE s.project_id IS NOT NULL)
        FROM crm_project p LEFT JOIN landed l ON l.project_id = p.id LEFT JOIN signed s ON s.project_id = p.id
    """,
    "targets": "SELECT metric, target FROM crm_yearlytarget WHERE year = extract(year FROM %(year_start)s::date)",
    "landing": """
        SELECT count(*) FILTER (WHERE stage IN ('signed', 'registered', 'construction', 'production')),
               sum(total_investment) FILTER (WHERE stage IN ('signed', 'registered', 'construction', 'production')),
               count(*) FILTER (WHERE stage IN ('registered', 'construction', 'production')),
               count(*) FILTER (WHERE stage IN ('construction', 'production')
                                OR (stage = 'registered' AND EXISTS (
                                    SELECT 1 FROM crm_projectmilestone m WHERE m.project_id = crm_project.id
                                    AND m.kind = 'construction_start' AND m.actual_on IS NOT NULL))),
               count(*) FILTER (WHERE stage = 'production')
        FROM crm_project
    """,
    "capital": """
        SELECT sum(a.amount), sum(a.amount) FILTER (WHERE a.arrived_on BETWEEN %(year_start)s AND %(year_end)s)
        FROM crm_capitalarrival a JOIN crm_project p ON p.id = a.project_id
        WHERE p.stage IN ('signed', 'registered', 'construction', 'production')
    """,
    "milestones": """
        SELECT m.kind,
               count(*) FILTER (WHERE m.actual_on IS NULL AND m.planned_on > %(horizon)s),
               count(*) FILTER (WHERE m.actual_on IS NULL AND m.planned_on BETWEEN %(today)s AND %(horizon)s),
               count(*) FILTER (WHERE m.actual_on IS NULL AND m.planned_on < %(today)s),
               count(*) FILTER (WHERE m.actual_on <= m.planned_on), count(*) FILTER (WHERE m.actual_on > m.planned_on)
        FROM crm_projectmilestone m JOIN crm_project p ON p.id = m.project_id WHERE p.stage <> 'lost' GROUP BY m.kind
    """,
}

_OPEN = "r.status IN ('submitted', 'accepted', 'in_progress', 'waiting_external')"
_CLOCK = "coalesce(r.paused_since, %(now)s)"
SERVICE_FLOOR = {
    "categories": f"""
        SELECT c.id, c.code, c.name, count(*),
               count(*) FILTER (WHERE r.status = 'submitted'), count(*) FILTER (WHERE r.status = 'accepted'),
               count(*) FILTER (WHERE r.status = 'in_progress'), count(*) FILTER (WHERE r.status = 'waiting_external'),
               count(*) FILTER (WHERE r.status = 'resolved'), count(*) FILTER (WHERE r.status = 'closed'),
               count(*) FILTER (WHERE r.status = 'rejected'), count(*) FILTER (WHERE r.status = 'withdrawn'),
               count(r.resolved_at), count(*) FILTER (WHERE r.resolved_at <= r.due_at),
               count(*) FILTER (WHERE r.satisfaction = 1), count(*) FILTER (WHERE r.satisfaction = 2),
               count(*) FILTER (WHERE r.satisfaction = 3), count(*) FILTER (WHERE r.satisfaction = 4),
               count(*) FILTER (WHERE r.satisfaction = 5),
               count(*) FILTER (WHERE {_OPEN} AND r.due_at > {_CLOCK} AND 5 * extract(epoch FROM r.due_at - {_CLOCK})
                                >= extract(epoch FROM r.due_at - r.submitted_at) - r.paused_seconds),
               count(*) FILTER (WHERE {_OPEN} AND r.due_at > {_CLOCK} AND 5 * extract(epoch FROM r.due_at - {_CLOCK})
                                < extract(epoch FROM r.due_at - r.submitted_at) - r.paused_seconds),
               count(*) FILTER (WHERE {_OPEN} AND r.due_at <= {_CLOCK})
        FROM crm_servicerequest r JOIN crm_servicecategory c ON c.id = r.category_id
        GROUP BY c.id, c.code, c.name, c.sort_order ORDER BY c.sort_order, c.code
    """,  # noqa: S608 - constant SQL fragments, values are bound parameters
    "medians": """
        SELECT category_id, count(*), avg(seconds), percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds)
        FROM (SELECT category_id, extract(epoch FROM resolved_at - submitted_at) AS seconds
              FROM crm_servicerequest WHERE resolved_at IS NOT NULL) t
        GROUP BY GROUPING SETS ((category_id), ())
    """,
    "approval_steps": """
        SELECT count(*) FILTER (WHERE completed_at IS NULL AND due_at > %(soon)s),
               count(*) FILTER (WHERE completed_at IS NULL AND due_at > %(now)s AND due_at <= %(soon)s),
               count(*) FILTER (WHERE completed_at IS NULL AND due_at <= %(now)s),
               count(*) FILTER (WHERE completed_at <= due_at), count(*) FILTER (WHERE completed_at > due_at)
        FROM crm_approvalstep
    """,
    "overdue": f"""
        SELECT r.id, r.title, e.name, e.short_name, c.name, r.status, u.display_name, r.submitted_at, r.due_at
        FROM crm_servicerequest r JOIN crm_enterprise e ON e.id = r.enterprise_id
        JOIN crm_servicecategory c ON c.id = r.category_id LEFT JOIN crm_user u ON u.id = r.assignee_id
        WHERE {_OPEN} AND r.due_at <= {_CLOCK} ORDER BY r.due_at, r.id LIMIT 100
    """,  # noqa: S608 - constant SQL fragments, values are bound parameters
}

LAND_FLOOR = {
    "inventory": "SELECT status, land_use, count(*), sum(area_m2) FROM parks_landparcel GROUP BY 1, 2",
    "transferred": """
        SELECT land_use, count(*), sum(area_m2) FROM parks_landparcel
        WHERE transferred_on BETWEEN %(year_start)s AND %(year_end)s GROUP BY 1
    """,
    "occupancy": """
        SELECT s.park_id, k.name, k.short_name, count(*), count(*) FILTER (WHERE s.status = 'occupied'), sum(s.area_m2),
               sum(s.area_m2) FILTER (WHERE s.status = 'occupied'), sum(s.area_m2) FILTER (WHERE s.status = 'reserved')
        FROM parks_space s JOIN parks_park k ON k.id = s.park_id GROUP BY 1, 2, 3 ORDER BY 1
    """,
}

POLICY_FLOOR = {
    "clauses": """
        SELECT c.id, c.number, c.title, c.policy_id, p.name, p.short_name, count(g.id), sum(g.applied_amount),
               count(g.id) FILTER (WHERE g.status IN ('approved', 'disbursed')),
               sum(g.approved_amount) FILTER (WHERE g.status IN ('approved', 'disbursed')),
               count(g.id) FILTER (WHERE g.disbursed_amount IS NOT NULL), sum(g.disbursed_amount)
        FROM parks_policyclause c JOIN parks_policy p ON p.id = c.policy_id
        LEFT JOIN parks_policygrant g ON g.clause_id = c.id
        GROUP BY c.id, c.number, c.title, c.policy_id, p.name, p.short_name ORDER BY c.policy_id, c.number, c.id
    """,
}


# -- the selector and the floor say the same ------------------------------------------------------------


def same_pipeline(report: dict, rows: dict) -> bool:
    stages = {row[0]: (row[1], row[2]) for row in rows["stages"]}
    by_stage = all(stages.get(s["stage"], (0, Decimal("0")))[0] == s["count"]
                   and (stages.get(s["stage"], (0, None))[1] or Decimal("0")) == s["investment_total"]
                   for s in report["stages"])
    funnel = dict(rows["funnel"])
    reached = all(funnel.get(f["stage"], 0) == f["reached"] for f in report["funnel"])
    stays = {row[0]: row[1] for row in rows["durations"]}
    durations = all(stays.get(d["stage"], 0) == d["stays"] for d in report["durations"])
    landing = rows["landing"][0]
    rates = (report["rates"]["landed_count"], report["rates"]["started_count"], report["rates"]["producing_count"]) == (
        landing[2], landing[3], landing[4])
    year = rows["this_year"][0]
    this_year = (report["this_year"]["landed_key_count"], report["this_year"]["signed_count"]) == (year[2], year[4])
    return by_stage and reached and durations and rates and this_year


def same_service(report: dict, rows: dict) -> bool:
    categories = [(r[1], r[3], r[12], r[13], r[19], r[20], r[21]) for r in rows["categories"]]
    mine = [(c["category"], c["total"], c["resolved"], c["on_time"], c["green"], c["yellow"], c["red"])
            for c in report["categories"]]
    overdue = [r[0] for r in rows["overdue"]] == [o["id"] for o in report["overdue"]]
    return categories == mine and overdue


def same_land(report: dict, rows: dict) -> bool:
    total = sum(r[2] for r in rows["inventory"])
    area = sum(r[3] for r in rows["inventory"])
    return (total, area) == (report["parcel_totals"]["count"], report["parcel_totals"]["area_m2"])


def same_policies(report: dict, rows: dict) -> bool:
    floor = [(r[0], r[6], r[7] or Decimal("0"), r[9] or Decimal("0"), r[11] or Decimal("0")) for r in rows["clauses"]]
    mine = [(c["clause_id"], c["grants"], c["applied_total"], c["approved_total"], c["disbursed_total"])
            for c in report["clauses"]]
    return floor == mine


# -- SQLite: the pages at 10,000 projects, built in Python ------------------------------------------------------

SQLITE_SIZE = int(os.environ.get("BENCH_REPORT_SQLITE_SIZE", "10000"))


def sqlite_main() -> None:
    """``reports_bench.py sqlite``: the same park at ``BENCH_REPORT_SQLITE_SIZE`` (10,000) projects in a temporary
    SQLite file, generated with ``bulk_create`` (the PostgreSQL generator is ``generate_series`` SQL). Prints the
    pipeline's summary and raw paths, each page against its floor page, and the queries per page."""
    from bench.scratch import scratch_database

    started = time.monotonic()
    with scratch_database("zijin_reports_bench", postgres=False) as where:
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
        import logging

        import django

        django.setup()
        logging.getLogger("axes").setLevel(logging.WARNING)
        logging.getLogger("django.request").setLevel(logging.ERROR)
        logging.getLogger("zijin.request").setLevel(logging.WARNING)
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()
        print(f"Manager reports benchmark — {where}")
        call_command("migrate", verbosity=0)
        world = World()
        counts = world.generate_in_python(SQLITE_SIZE)
        print(f"\n== {SQLITE_SIZE:,} projects on SQLite: " + ", ".join(f"{n:,} {what}" for what, n in counts.items())
              + f" — generated in {time.monotonic() - started:.0f} s")
        result = world.measure(floor_sql=False)
        print_timings(result)
        print("\nqueries per answer")
        for key, n in result["queries"].items():
            print(f"{key:<20} {n:>6}")
    print(f"\ntotal time: {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
