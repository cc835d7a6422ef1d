"""Parks' page in the enterprise portal, mounted at /portal/policies/ by ``config.urls``."""

from django.urls import path

from . import portal

app_name = "parks_portal"
urlpatterns = [
    path("", portal.policy_matches, name="policy-matches"),
    path("<int:clause_id>/apply/<int:enterprise_id>/", portal.policy_apply, name="apply"),
    path("applications/<int:pk>/", portal.application_detail, name="application"),
    path("applications/<int:pk>/appeal/", portal.application_appeal, name="application-appeal"),
]
