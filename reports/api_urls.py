"""The reports over the API, mounted at /api/v1/reports/ by ``config.api_urls``."""

from django.urls import path

from . import api

app_name = "reports-api"
urlpatterns = [
    path("pipeline/", api.PipelineReportView.as_view(), name="pipeline"),
    path("service/", api.ServiceReportView.as_view(), name="service"),
    path("land/", api.LandReportView.as_view(), name="land"),
    path("policies/", api.PolicyReportView.as_view(), name="policies"),
    path("credit/", api.CreditReportView.as_view(), name="credit"),
    path("capital/", api.CapitalReportView.as_view(), name="capital"),
]
