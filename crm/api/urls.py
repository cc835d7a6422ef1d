"""REST API v1 (placeholder until the API lands)."""

urlpatterns = []
