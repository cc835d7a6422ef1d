"""Manager reports (报表): the dashboard pages at /reports/, their Excel export, and the API under /api/v1/reports/.

Every figure comes from ``reports.selectors``; this package only validates filters, lays the
figures out as tables (``tables``) and renders them as HTML with charts, as Excel, or as JSON.
"""
