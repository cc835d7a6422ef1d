"""Manager reports (报表): every figure of the four report pages, computed in the database.

One function per page — ``pipeline_report``, ``service_report``, ``land_report``, ``policy_report`` —
returns plain dicts and lists of ``int``/``Decimal``; the HTML pages (``reports.views``), their
Excel export (``reports.excel``) and the API (``reports.api``) all call these, so the three
always show the same numbers. Each figure is one aggregate query (``annotate``/``aggregate`` with
conditional ``Count(filter=...)``, a window function for the time spent in each stage); the only
Python loops run over already-aggregated rows (a handful per stage, category or park). The number
of queries never depends on the data: ``tests/reports/test_query_counts.py`` pins it.

Money is in 万元 (Decimal, exact: PostgreSQL sums ``numeric``), areas in m², percentages and days
are Decimals with two places, rounded half up. Figures whose denominator is zero are ``None``.

What the filters mean, page by page (the pages and the API say the same):

- **Pipeline.** Park, chain and owner select projects (拟落地园区, 产业链, 负责人). The date range
  selects the projects that *entered the pipeline* (their first stage-history row, 线索登记) within
  it — a cohort — and every figure is about that cohort: where it is now, how far it got, how long
  it stayed. "Landed this year" is about the year of the range's end (today's year without one) and
  counts every project that moved to 注册落地 within that year, whenever it entered the pipeline.
- **Service.** The date range selects requests *submitted* within it; park and chain are those of
  the requesting enterprise; owner is the officer handling the request (经办人).
- **Land.** Park selects parcels and spaces; the date range is the period of 出让 (transferred_on),
  the report year when not given. Chains and owners do not apply to land.
- **Policies.** Park and chain are the enterprise's; owner is the owner of the grant's project.
  Applications count by ``applied_on``, approved money by ``approved_on``, disbursed money by
  ``disbursed_on`` within the range.
"""
