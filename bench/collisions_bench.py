"""Benchmark: the 撞单 check of one name against 10,000 active projects, on SQLite and PostgreSQL.

Builds 10,000 enterprises with realistic, distinct company names (region prefixes, legal forms, branches,
numbers) and one active project each (线索 / 初步接洽 / 深度洽谈, 100 officers), then times
``project_collisions`` for:

1. a hit by name — a branch of a known company spelt another way (“浙江…股份有限公司杭州分公司”);
2. a miss by name — a company nobody works;
3. a hit by credit code (pasted in lower case with dashes);
4. an enterprise (its name and code at once), as the project page asks.

Each is run ``RUNS`` times; the median, min and max and the number of queries are printed, then the query's
plan (``EXPLAIN ANALYZE`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite) — the indexes it uses.

Runs in a database of its own, never dev data: on PostgreSQL one it creates next to ``DATABASE_URL`` (or
``BENCH_DATABASE_URL``) and drops at the end; otherwise a temporary SQLite file::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/zijin make bench-collisions
    make bench-collisions            # SQLite
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import postgres_source, scratch_database  # noqa: E402

PROJECTS = 10_000
OFFICERS = 100
RUNS = 21
BUDGET_MS = 20

REGIONS = ["", "", "杭州", "浙江", "上海", "宁波", "江苏", "深圳", "北京", "中国"]
FORMS = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司", "科技有限公司"]
CORE = "阳光海创云栖智算科聪控制新材料生物医药光伏储能数据电子精密机械汽车半导体芯片西湖钱塘之江未来天目"
TRADES = ["科技", "技术", "智能", "新能源", "装备", "信息", "网络", "电子", "材料", "健康", "制造", ""]
NUMBERS = ["", "", "", "", "一号", "二号", "1", "2", "三期"]


def _company_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct company names whose keys are distinct too (one company, one row)."""
    from crm.names import company_name_key

    names, keys = [], set()
    while len(names) < n:
        core = "".join(rng.sample(CORE, rng.randint(2, 4))) + rng.choice(TRADES) + rng.choice(NUMBERS)
        name = rng.choice(REGIONS) + core + rng.choice(FORMS)
        key = company_name_key(name)
        if key not in keys:
            keys.add(key)
            names.append(name)
    return names


def build(rng: random.Random):
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from crm.models import Enterprise, Project, Role, Stage, User
    from crm.names import company_name_key
    from tests.factories import credit_code

    group = Group.objects.get(name=Role.INVESTMENT_OFFICER)
    officers = User.objects.bulk_create(
        [User(username=f"officer{i}", display_name=f"专员{i}", is_staff=True) for i in range(OFFICERS)]
    )
    group.user_set.add(*officers)
    enterprises = Enterprise.objects.bulk_create(
        [
            Enterprise(name=name, name_key=company_name_key(name), credit_code=credit_code(i + 1))
            for i, name in enumerate(_company_names(rng, PROJECTS))
        ],
        batch_size=1000,
    )
    now = timezone.now()
    stages = [Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING]
    Project.objects.bulk_create(
        [
            Project(name=f"项目{i}", enterprise=e, owner=rng.choice(officers), stage=rng.choice(stages), stage_changed_at=now)
            for i, e in enumerate(enterprises)
        ],
        batch_size=1000,
    )
    return enterprises, officers


def _time(call) -> tuple[list[float], int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = call()
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times, len(result), [q["sql"] for q in queries.captured_queries]


def _plan(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join("    " + " | ".join(str(c) for c in row) for row in cursor.fetchall())


def run_benchmark() -> None:
    from django.core.management import call_command
    from django.db import connection

    from crm.names import company_name_key
    from crm.pipeline.collisions import project_collisions

    call_command("migrate", verbosity=0)
    rng = random.Random(11)  # noqa: S311 - repeatable test data, not a secret
    started = time.perf_counter()
    enterprises, officers = build(rng)
    print(f"{connection.vendor}: built {PROJECTS:,} enterprises and active projects in {time.perf_counter() - started:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")  # what autovacuum does after a bulk load

    known = enterprises[PROJECTS // 2]
    variant = "浙江" + company_name_key(known.name) + "股份有限公司杭州分公司"
    code = known.credit_code
    me = officers[0]
    cases = [
        (f"name hit   “{variant}”", lambda: project_collisions(name=variant, exclude_owner=me)),
        ("name miss  “杭州无人跟进的公司有限公司”", lambda: project_collisions(name="杭州无人跟进的公司有限公司", exclude_owner=me)),
        ("code hit   (lower case, dashes)", lambda: project_collisions(credit_code=f"{code[:6]}-{code[6:]}".lower(), exclude_owner=me)),
        (f"enterprise “{known.name}”", lambda: project_collisions(enterprise=known, exclude_owner=me)),
    ]
    print(f"{'case':<52} {'hits':>4} {'queries':>7} {'median':>8} {'min':>7} {'max':>7}")
    worst = 0.0
    plans = []
    for label, call in cases:
        times, hits, sqls = _time(call)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"{label:<52} {hits:>4} {len(sqls):>7} {median:>6.2f}ms {min(times):>5.2f}ms {max(times):>5.2f}ms")
        plans.append((label, sqls[-1]))
    print(f"\nworst median {worst:.2f} ms — budget {BUDGET_MS} ms: {'OK' if worst < BUDGET_MS else 'OVER'}"
          f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: the min is the cost, the median the wait)")
    for label, sql in plans[:1] + plans[2:3]:
        print(f"\nplan — {label}:\n{_plan(sql)}")


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    with scratch_database("zijin_collisions_bench", postgres=bool(postgres_source())):
        import django

        django.setup()
        run_benchmark()


if __name__ == "__main__":
    main()
