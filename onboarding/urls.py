"""/admin/imports/: 数据导入 (mounted in config/urls.py before ``admin.site.urls``)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", admin.site.admin_view(views.index), name="index"),
    path("confirm/", admin.site.admin_view(views.confirm), name="confirm"),
    path("<str:kind>/template/", admin.site.admin_view(views.template_download), name="template"),
]
