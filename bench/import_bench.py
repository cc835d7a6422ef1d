"""Benchmark (not a test): the onboarding import of 1,000 then 10,000 enterprise rows on SQLite.

For each size a fresh temporary SQLite file is migrated, an .xlsx of that many distinct enterprises (valid credit
codes, labels for the choices, a park by its short name) is written, and ``onboarding.engine.import_file`` imports it
— the same engine as the admin's 数据导入 page and ``manage.py import_data``. Printed per size: the check pass, the
whole import (check + write in one transaction), a re-import (every row an update), and the peak memory of the
import — Python's own allocations (``tracemalloc``) and the process's peak resident size (``ru_maxrss``). Memory
stays flat with the file's size because the file is read row by row, twice, and only counts, the natural keys and
the first preview rows are kept. The brief's bar: 10,000 rows in under 60 s.

    make bench-import
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scratch import scratch_database  # noqa: E402

SIZES = (1_000, 10_000)
BUDGET_S = 60
CHAINS = ["人工智能", "智能机器人", "信创与商用密码", "云计算与智算", "生命健康", "智能制造", "新材料", "数字经济"]


def write_file(path: Path, n: int) -> None:
    import openpyxl

    from tests.factories import credit_code

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["企业名称", "统一社会信用代码", "状态", "产业链", "注册资本（万元）", "所在园区", "员工人数", "成立日期", "地址"])
    for i in range(n):
        sheet.append([
            f"杭州基准{i}号{CHAINS[i % 8]}科技有限公司", credit_code(i + 1), "在园企业", CHAINS[i % 8], 1000 + i,
            "紫金港科技城", 20 + i % 300, "2018-05-20", f"三墩镇振华路 {i} 号",
        ])
    book.save(path)


def run(n: int) -> None:
    """One size, in a process of its own (so that its peak resident size is its own)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    with scratch_database(f"zijin_import_bench_{n}", postgres=False) as where:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from crm.models import Enterprise, User
        from onboarding.engine import check_file, import_file
        from onboarding.specs import spec_for
        from parks.models import Park

        Park.objects.create(name="杭州紫金港科技城", short_name="紫金港科技城", kind=Park.Kind.SCIENCE_CITY)
        actor = User.objects.create_superuser("bench", password=None)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "enterprises.xlsx"
            write_file(path, n)
            size_kb = path.stat().st_size // 1024

            start = time.perf_counter()
            checked = check_file(spec_for("enterprises"), path)
            check_s = time.perf_counter() - start

            start, cpu = time.perf_counter(), time.process_time()
            report = import_file(spec_for("enterprises"), path, actor=actor)
            import_s, import_cpu = time.perf_counter() - start, time.process_time() - cpu
            if not (report.written and report.creates == n == Enterprise.objects.count()):
                raise SystemExit(f"the import failed: {report.errors[:5]}")

            tracemalloc.start()  # on the re-import only: tracing slows Python several times over
            start = time.perf_counter()
            again = import_file(spec_for("enterprises"), path, actor=actor)
            again_s = time.perf_counter() - start
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if (again.creates, again.updates) != (0, n):
                raise SystemExit(f"the re-import created rows: {again.creates}")
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        verdict = "ok" if import_s < BUDGET_S else f"OVER the {BUDGET_S} s budget"
        print(f"{n:>6,} rows ({size_kb:,} KB .xlsx) — {where}")
        print(f"        check only {check_s:6.1f} s · import {import_s:6.1f} s wall, {import_cpu:6.1f} s CPU"
              f" ({n / import_s:,.0f} rows/s, {verdict})")
        print(f"        re-import (all {again.updates:,} rows updates, traced) {again_s:6.1f} s · peak Python memory of the"
              f" re-import {peak / 1024 / 1024:6.1f} MB · process peak RSS {rss_mb:6.0f} MB · {checked.creates:,} checked")


def main() -> None:
    if len(sys.argv) > 1:
        run(int(sys.argv[1]))
        return
    for n in SIZES:
        subprocess.run([sys.executable, __file__, str(n)], check=True)  # noqa: S603 — this very script


if __name__ == "__main__":
    main()
