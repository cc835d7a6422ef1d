"""Parks' page in the enterprise portal, mounted at /portal/policies/ by ``config.urls``."""

from django.urls import path

from . import portal

app_name = "parks_portal"
urlpatterns = [path("", portal.policy_matches, name="policy-matches")]
