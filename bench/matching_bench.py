"""Benchmark: policy matching (政策匹配) — one project against 500 clauses, and every enterprise at once.

Builds two sets of 500 clauses (50 policies of 10, one to three criteria each): the **old mix** draws
its criteria from the 8 kinds on the enterprise record and its projects, the **new mix** from all 13,
the 5 on the yearly figures included (营业收入, 税收, 研发经费占比 ≥, 亩均类别属于, 亩均税收 ≥). And
10,000 enterprises (qualifications, staff counts, parks, 0–2 projects, and for 4 in 5 of them
confirmed yearly figures of 2024 or 2025 from one or two sources, a few below the 亩均 minimum land or
without energy figures), then, against each mix in turn (only its policies published), times:

1. ``project_policy_matches`` for one project against the 500 clauses (the admin page, the API);
2. ``enterprises_policy_matches`` for all 10,000 enterprises at once (the nightly batch), against the
   10 clauses of a 紫金十条-sized package and against all 500.

Each is run several times; the median, min and max and the number of queries are printed, then the
two mixes side by side (median and queries). Then, for the new mix:

3. growth: the batch at 1,000 and at 10,000 enterprises (× 500 clauses) — same queries, cost ratio —
   and the daily job's way, ``enterprises_policy_matches_in_chunks`` (1,000 at a time, keeping only
   the eligible clauses as the ``policy_eligible`` rule does), at 1,000 and 10,000;
4. the floor: the very SQL the batch sends, re-run through a raw cursor with ``fetchall`` and no
   matching — what any implementation must at least read — and ours / floor.

Runs on PostgreSQL only, in a database of its own that it creates next to ``DATABASE_URL`` (or
``BENCH_DATABASE_URL``) and drops at the end, so it never touches dev data::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zijin make bench-matching
"""

import datetime as dt
import gc
import os
import random
import statistics
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# BENCH_ENTERPRISES for a smaller world on a busy machine (the growth line then compares 1,000 with it).
ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", 10_000))
POLICIES, CLAUSES_PER_POLICY = 50, 10
OLD_KINDS = ["industry_chain", "qualification", "min_investment", "min_fixed_asset", "min_headcount",
             "min_rd_headcount", "in_park", "min_stage"]
FIGURE_KINDS = ["min_revenue", "min_tax", "min_rd_ratio", "mu_class_in", "min_tax_per_mu"]
MIXES = {"old": OLD_KINDS, "new": OLD_KINDS + FIGURE_KINDS}
# Runs per measurement; fewer on a busy machine: BENCH_RUNS_ONE=3 BENCH_RUNS_ALL=1 make bench-matching
RUNS_ONE, RUNS_ALL = int(os.environ.get("BENCH_RUNS_ONE", 9)), int(os.environ.get("BENCH_RUNS_ALL", 3))


def _database_urls() -> tuple[str, str, str]:
    source = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not source.startswith(("postgres://", "postgresql://")):
        sys.exit("make bench-matching needs PostgreSQL: set DATABASE_URL (or BENCH_DATABASE_URL) to postgres://user@host:5432/db")
    parts = urlsplit(source)
    name = f"zijin_matching_bench_{os.getpid()}"
    return source, urlunsplit(parts._replace(path=f"/{name}")), name


def main() -> None:
    import psycopg

    source, bench_url, name = _database_urls()
    with psycopg.connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = bench_url
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        import django

        django.setup()
        run_benchmark(name)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 - Django may not be set up yet; the drop below still runs
            pass
        with psycopg.connect(source, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(rng: random.Random):
    """The clauses, the enterprises and their projects, written in bulk (the services are not what is timed)."""
    from django.contrib.auth.models import Group

    from crm.models import (
        PIPELINE,
        Enterprise,
        EnterpriseFigure,
        EnterpriseQualification,
        IndustryChain,
        Project,
        QualificationKind,
        Stage,
        User,
    )
    from parks.models import EligibilityCriterion, Park, Policy, PolicyClause

    K = EligibilityCriterion.Kind
    city = Park.objects.create(name="杭州紫金港科技城", short_name="紫金港科技城", kind=Park.Kind.SCIENCE_CITY)
    subparks = [Park.objects.create(name=f"子园区{i}", kind=Park.Kind.INDUSTRIAL_PARK, parent=city) for i in range(6)]
    outside = Park.objects.create(name="未来科技城", kind=Park.Kind.SCIENCE_CITY)
    parks = [city, *subparks, outside]
    chains = list(IndustryChain.objects.exclude(code=IndustryChain.OTHER).values_list("code", flat=True))
    qualifications = list(QualificationKind.objects.values_list("code", flat=True))

    numbers = {
        K.MIN_HEADCOUNT: [10, 20, 50, 100], K.MIN_RD_HEADCOUNT: [10, 20, 50, 100], K.MIN_RD_RATIO: [2, 3, 5],
        K.MIN_TAX_PER_MU: [10, 20, 40], K.MIN_TAX: [100, 500, 1000], K.MIN_REVENUE: [1000, 5000, 20000],
    }

    def criterion(clause, kinds):
        kind = rng.choice(kinds)
        if kind in EligibilityCriterion.NUMBER_KINDS:
            return EligibilityCriterion(clause=clause, kind=kind, number=Decimal(rng.choice(numbers.get(kind, [1000, 5000, 10000]))))
        if kind == K.IN_PARK:
            return EligibilityCriterion(clause=clause, kind=kind, park=rng.choice([city, *subparks[:2]]))
        options = [code for code, _ in EligibilityCriterion.options_for(kind)]
        return EligibilityCriterion(clause=clause, kind=kind, choice=rng.choice(options))

    policies = {}
    for mix, kinds in MIXES.items():
        policies[mix] = Policy.objects.bulk_create([
            Policy(name=f"测试政策{mix}{i}", valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2030, 12, 31))
            for i in range(POLICIES)
        ])
        clauses = PolicyClause.objects.bulk_create([
            PolicyClause(policy=policy, number=n + 1, title=f"条款{n + 1}", benefit_kind="other", amount_cap=Decimal("500"))
            for policy in policies[mix] for n in range(CLAUSES_PER_POLICY)
        ])
        EligibilityCriterion.objects.bulk_create([
            criterion(c, kinds) for c in clauses for _ in range(rng.randint(1, 3))
        ])

    owner = User.objects.create(username="bench-officer", is_staff=True)
    owner.groups.add(Group.objects.get(name="investment_officer"))
    enterprises = Enterprise.objects.bulk_create([
        Enterprise(
            name=f"基准测试企业{i:05d}", status=rng.choice(["in_park", "in_park", "prospect"]),
            industry_chain=rng.choice([*chains, IndustryChain.OTHER]),
            park=rng.choice([*parks, None]), headcount=rng.choice([None, 8, 25, 120, 600]),
            rd_headcount=rng.choice([None, 3, 12, 80]),
        )
        for i in range(ENTERPRISES)
    ], batch_size=2000)
    EnterpriseQualification.objects.bulk_create([
        EnterpriseQualification(enterprise=e, kind=kind)
        for e in enterprises for kind in rng.sample(qualifications, rng.randint(0, 3))
    ], batch_size=5000)
    stages = [*PIPELINE, Stage.ON_HOLD, Stage.LOST]
    projects = []
    for e in enterprises:
        for _ in range(rng.randint(0, 2)):
            total = Decimal(rng.choice([0, 2000, 8000, 12000, 60000]))
            stage = rng.choice(stages)
            projects.append(Project(
                name=f"{e.name}项目{len(projects)}", enterprise=e, owner=owner, industry_chain=e.industry_chain,
                park=rng.choice([*parks, None]), total_investment=total, fixed_asset_investment=total * Decimal("0.6"),
                stage=stage, lost_reason="基准测试" if stage == Stage.LOST else "",
            ))
    Project.objects.bulk_create(projects, batch_size=5000)

    # 企业年度指标: 4 in 5 enterprises have confirmed figures of 2024 or 2025 (tax office, some also statistics).
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    figures = []
    for e in enterprises:
        if rng.random() < 0.2:
            continue
        year = rng.choice([2024, 2025])
        land = Decimal(rng.choice([3, 8, 20, 50, 120]))
        revenue = Decimal(rng.choice([800, 3000, 12000, 60000]))
        values = {
            "revenue": revenue, "tax": revenue * Decimal(rng.choice(["0.03", "0.06", "0.1"])),
            "value_added": revenue * Decimal("0.25"), "rd_expense": revenue * Decimal(rng.choice(["0.01", "0.04", "0.08"])),
            "energy_tce": None if rng.random() < 0.1 else Decimal(rng.choice([200, 1500, 6000])), "land_mu": land,
            "employees": rng.choice([20, 120, 600]),
        }
        for source in ["tax", *(["statistics"] if rng.random() < 0.5 else [])]:
            figures.append(EnterpriseFigure(
                enterprise=e, year=year, source=source, status="confirmed", confirmed_by=owner, confirmed_at=now,
                **values,
            ))
    EnterpriseFigure.objects.bulk_create(figures, batch_size=5000)
    return enterprises, projects, policies


def timed(call, runs, summarize=lambda result: result):
    """Median, min, max, queries of ``runs`` calls, and ``summarize`` of the last result. A run's time
    includes summarising its result and freeing it (the daily job does both chunk by chunk, so the one-shot
    batch must pay them too); the cycle collector runs between runs, outside the timing, so a run is not
    slowed by the leftovers of the one before."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, summary = [], 0, None
    for _ in range(runs):
        gc.collect()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call()
            summary = summarize(result)
            del result
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return statistics.median(times), min(times), max(times), queries, summary


def verdicts(batch) -> Counter:
    """How many matches, and how many of each verdict, in a batch's result."""
    counts = Counter(m.verdict for found in batch.values() for m in found)
    counts["total"] = sum(counts.values())
    return counts


def run_benchmark(name: str) -> None:
    from django.core.management import call_command
    from django.db import connection

    from crm.models import Enterprise, EnterpriseFigure, Project
    from parks.matching import without_cycle_collector
    from parks.models import EligibilityCriterion, Policy, PolicyClause
    from parks.selectors.policies import (
        enterprises_policy_matches,
        enterprises_policy_matches_in_chunks,
        project_policy_matches,
    )

    print(f"Policy matching benchmark — database {name} (created for this run, dropped after)")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    started = time.perf_counter()
    _enterprises, _projects, policies = build(random.Random(20261128))  # noqa: S311 - reproducible test data, not security
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"built {PolicyClause.objects.count():,} clauses (2 mixes × 500) with {EligibilityCriterion.objects.count():,} "
          f"criteria, {Enterprise.objects.count():,} enterprises, {Project.objects.count():,} projects, "
          f"{EnterpriseFigure.objects.count():,} confirmed yearly figure rows in {time.perf_counter() - started:.1f} s")
    today = dt.date(2026, 11, 28)
    project = Project.objects.filter(total_investment__gt=0).order_by("pk").first()
    small = Enterprise.objects.filter(pk__in=Enterprise.objects.order_by("pk").values("pk")[:1000])

    def daily(enterprises):
        """As the policy_eligible rule reads them: chunk by chunk, the cycle collector paused throughout."""
        eligible = 0
        with without_cycle_collector():
            for chunk in enterprises_policy_matches_in_chunks(enterprises=enterprises, today=today):
                eligible += sum(1 for found in chunk.values() for m in found if m.verdict == "eligible")
        return eligible

    def row(label, measured, count):
        median, low, high, queries, _ = measured
        print(f"{label:<52} {median * 1000:>7.1f} ms {low * 1000:>7.1f} ms {high * 1000:>7.1f} ms {queries:>8} {count:>9,}")

    results: dict[str, dict[str, tuple]] = {}
    for mix in MIXES:
        print(f"\n== {mix} mix: criteria drawn from {len(MIXES[mix])} kinds ==")
        print(f"{'what':<52} {'median':>10} {'min':>10} {'max':>10} {'queries':>8} {'matches':>9}")
        Policy.objects.update(is_published=False)
        Policy.objects.filter(pk__in=[p.pk for p in policies[mix]]).update(is_published=True)
        measured = results[mix] = {}

        one = measured["one project × 500 clauses"] = timed(lambda: project_policy_matches(project=project, today=today), RUNS_ONE, len)
        row("one project × 500 clauses", one, one[4])
        # 10 clauses in force (a 紫金十条-sized package): this mix's first policy alone.
        Policy.objects.filter(pk__in=[p.pk for p in policies[mix][1:]]).update(is_published=False)
        ten = measured[f"all {ENTERPRISES:,} enterprises × 10 clauses"] = timed(
            lambda: enterprises_policy_matches(today=today), RUNS_ALL, verdicts)
        row(f"all {ENTERPRISES:,} enterprises × 10 clauses", ten, ten[4]["total"])
        Policy.objects.filter(pk__in=[p.pk for p in policies[mix]]).update(is_published=True)
        everything = measured[f"all {ENTERPRISES:,} enterprises × 500 clauses"] = timed(
            lambda: enterprises_policy_matches(today=today), RUNS_ALL, verdicts)
        row(f"all {ENTERPRISES:,} enterprises × 500 clauses", everything, everything[4]["total"])
        thousand = measured["1,000 enterprises × 500 clauses"] = timed(
            lambda: enterprises_policy_matches(enterprises=small, today=today), RUNS_ALL, verdicts)
        row("1,000 enterprises × 500 clauses", thousand, thousand[4]["total"])
        daily_small = measured["daily job, chunks of 1,000: 1,000 enterprises"] = timed(lambda: daily(small), RUNS_ALL)
        row("daily job, chunks of 1,000: 1,000 enterprises", daily_small, daily_small[4])
        daily_all = measured[f"daily job, chunks of 1,000: {ENTERPRISES:,} enterprises"] = timed(
            lambda: daily(Enterprise.objects.all()), RUNS_ALL)
        row(f"daily job, chunks of 1,000: {ENTERPRISES:,} enterprises", daily_all, daily_all[4])

        # The floor: the batch's own SQL, as sent to the server, read back raw.
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            enterprises_policy_matches(today=today)
        statements = [q["sql"] for q in captured.captured_queries]

        def read_raw(statements=statements):
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
                    cursor.fetchall()

        floor = measured["floor: the batch's statements, raw fetchall"] = timed(read_raw, RUNS_ALL)
        row(f"floor: the same {len(statements)} statements, raw fetchall", floor, 0)
        print(f"growth 1,000 → {ENTERPRISES:,} enterprises: one batch ×{everything[0] / thousand[0]:.1f} time "
              f"(queries {thousand[3]} → {everything[3]}); in chunks ×{daily_all[0] / daily_small[0]:.1f} time "
              f"(queries {daily_small[3]} → {daily_all[3]})")
        print(f"ours / floor at {ENTERPRISES:,} × 500: one batch {everything[0] / floor[0]:.1f}, daily job {daily_all[0] / floor[0]:.1f}")
        eligible, unknown = everything[4]["eligible"], everything[4]["unknown"]
        print(f"verdicts over the last batch: {eligible:,} eligible, {unknown:,} unknown, "
              f"{everything[4]['total'] - eligible - unknown:,} not eligible")

    print("\n== side by side: old mix (8 kinds) vs new mix (13 kinds, 5 on the yearly figures) ==")
    print(f"{'what':<52} {'old':>10} {'queries':>8} {'new':>10} {'queries':>8} {'new/old':>8}")
    for label, old in results["old"].items():
        new = results["new"][label]
        print(f"{label:<52} {old[0] * 1000:>7.1f} ms {old[3]:>8} {new[0] * 1000:>7.1f} ms {new[3]:>8} {new[0] / old[0]:>7.2f}×")


if __name__ == "__main__":
    main()
