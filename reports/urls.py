"""The report pages at /reports/ (``/reports/`` itself is the pipeline page), their Excel export and the cockpit (大屏)."""

from django.urls import path

from . import cockpit, views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, {"page": "pipeline"}, name="index"),
    path("cockpit/", cockpit.cockpit, name="cockpit"),
    *(path(f"{page}/", views.report_page, {"page": page}, name=page) for page in views.REPORTS),
    *(path(f"{page}/export.xlsx", views.report_export, {"page": page}, name=f"{page}-export") for page in views.REPORTS),
]
