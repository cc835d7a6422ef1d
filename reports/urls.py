"""The report pages at /reports/ (``/reports/`` itself is the pipeline page) and their Excel export."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, {"page": "pipeline"}, name="index"),
    *(path(f"{page}/", views.report_page, {"page": page}, name=page) for page in views.REPORTS),
    *(path(f"{page}/export.xlsx", views.report_export, {"page": page}, name=f"{page}-export") for page in views.REPORTS),
]
