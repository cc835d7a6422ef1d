"""Enterprise portal (placeholder until the portal lands)."""

app_name = "portal"
urlpatterns = []
