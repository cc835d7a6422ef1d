"""The demo world of ``manage.py load_demo``: 杭州紫金港科技城 as the source article describes it.

The demo is illustrative. Names and headline figures (26 km², 700,000 m² and 500 enterprises for the
信创 park, “紫金十条”, the 10-亿 industry fund, 32 projects of ≥ 1 亿 landed in 2024 — 11 of them with
fixed-asset investment ≥ 1 亿 and 2 of those ≥ 10 亿 —, 7 industrial and 2 commercial/residential
parcels transferred in 2024, 8 “西湖链链看” sessions, the 24-hour work permit of 西湖阳光, the
1,300 m² 智造中心 of 科聪控制 with 3 years rent-free) come from the article; everything it does not
give — credit codes, amounts, dates, people other than those it names, most enterprise names —
is invented but plausible.

``data`` holds the world as plain declarations; ``builder`` writes it, idempotently, through the
same services the product uses.
"""
