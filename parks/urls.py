"""The land map at /land/."""

from django.urls import path

from . import views

app_name = "parks"
urlpatterns = [path("", views.land_map, name="land-map")]
