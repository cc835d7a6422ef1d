"""The report pages at /reports/ (``/reports/`` itself is the pipeline page), their Excel export, and the
drill-down list behind each figure (``/reports/rows/<key>/``, ``reports.drill``) with its own export."""

from django.urls import path

from . import drill_views, views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, {"page": "pipeline"}, name="index"),
    path("rows/<str:key>/", drill_views.drill_rows, name="rows"),
    path("rows/<str:key>/export.xlsx", drill_views.drill_export, name="rows-export"),
    *(path(f"{page}/", views.report_page, {"page": page}, name=page) for page in views.REPORTS),
    *(path(f"{page}/export.xlsx", views.report_export, {"page": page}, name=f"{page}-export") for page in views.REPORTS),
]
