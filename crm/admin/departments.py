"""承办单位: the park's offices and the outside authorities the desk routes requests to, with their liaisons.

Who edits them is the role table's (``crm.roles``: ``Area.DEPARTMENTS`` to read; the groups' add/change
permissions to edit — superusers and service officers). A department is retired (启用 off), never deleted: its
routings keep it (``on_delete=PROTECT``). Routings themselves are worked on the request's page
(``crm.admin.service_requests``), through ``crm.service_requests.routing``.
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from crm.models import Department, Role, User


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "liaison_names", "active_routings", "is_active", "sort_order")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name")
    filter_horizontal = ("liaisons",)
    fields = ("name", "short_name", "kind", "is_active", "sort_order", "liaisons")

    def get_queryset(self, request):
        # Queries: the page's departments with their active routings counted, then their liaisons in one prefetch.
        departments = (
            super()
            .get_queryset(request)
            .annotate(active_count=Count("routings", filter=Q(routings__status="active")))
            .prefetch_related("liaisons")
        )
        if getattr(request.user, "reads_routed_requests_only", False):
            departments = departments.filter(liaisons=request.user)  # a liaison names its own departments only
        return departments

    @admin.display(description=_("联络员"))
    def liaison_names(self, obj):
        return "、".join(str(user) for user in obj.liaisons.all()) or "—"

    @admin.display(description=_("办理中"), ordering="active_count")
    def active_routings(self, obj):
        return obj.active_count

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "liaisons":
            # Only accounts of the liaison role group can be a department's liaison.
            kwargs["queryset"] = User.objects.filter(groups__name=Role.DEPARTMENT_LIAISON, is_active=True).order_by(
                "username"
            )
            kwargs.setdefault("help_text", _("只能选择“承办单位联络员”角色的账号；联络员只能看到并办理分办给本单位的诉求。"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False  # retired (启用 off), never deleted: routings keep their department
