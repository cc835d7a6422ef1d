"""承办单位与分办 in the admin: departments edited here (with their liaisons); routings, their record and extension
requests listed read-only — every step goes through ``crm.service_requests.routing`` (the API, and the desk's
screens built on it). A department liaison's lists are scoped like its requests (``department_scoped``)."""

from django.contrib import admin

from crm.models import Department, Routing, RoutingEvent, RoutingExtension
from crm.service_requests.selectors import routings_of

from .common import ReadOnlyAdminMixin


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name")
    filter_horizontal = ("liaisons",)

    def get_queryset(self, request):
        departments = super().get_queryset(request)
        if request.user.reads_routed_requests_only:
            departments = departments.filter(liaisons=request.user)
        return departments


class _RoutingScoped(ReadOnlyAdminMixin, admin.ModelAdmin):
    routing_path = "routing"

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if self.routing_path:
            return rows.filter(**{f"{self.routing_path}__in": routings_of(user=request.user).values("pk")})
        return rows.filter(pk__in=routings_of(user=request.user).values("pk"))


@admin.register(Routing)
class RoutingAdmin(_RoutingScoped):
    routing_path = ""
    list_display = ("service_request", "department", "role", "status", "due_at", "routed_at")
    list_select_related = ("service_request", "department")
    list_filter = ("status", "role", "department")


@admin.register(RoutingEvent)
class RoutingEventAdmin(_RoutingScoped):
    list_display = ("routing", "kind", "actor", "created_at", "visible_to_enterprise")
    list_select_related = ("routing__department", "actor")
    list_filter = ("kind",)


@admin.register(RoutingExtension)
class RoutingExtensionAdmin(_RoutingScoped):
    list_display = ("routing", "requested_due_at", "status", "requested_by", "decided_by", "decided_at")
    list_select_related = ("routing__department", "requested_by", "decided_by")
    list_filter = ("status",)
