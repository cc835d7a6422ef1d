"""Users: staff and enterprise people; officer pickers that officers may search."""

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import Role, User

# Officer pickers: (app, model, field) → the role whose members the field may point to. Officers may
# search these through the autocomplete even without the right to browse the user list.
OFFICER_FIELDS = {
    ("crm", "project", "owner"): Role.INVESTMENT_OFFICER,
    ("crm", "project", "co_officers"): Role.INVESTMENT_OFFICER,
    ("crm", "followup", "officer"): Role.INVESTMENT_OFFICER,
    ("crm", "projectcredit", "officer"): Role.INVESTMENT_OFFICER,
    ("crm", "servicerequest", "assignee"): Role.SERVICE_OFFICER,
}


def _officer_autocomplete(request):
    """The (source key, role) when ``request`` is an admin autocomplete for one of ``OFFICER_FIELDS``."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.url_name != "autocomplete":
        return None, None
    key = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
    return key, OFFICER_FIELDS.get(key)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "email", "roles", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "phone")
    autocomplete_fields = ("enterprises",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("display_name", "first_name", "last_name", "email", "phone")}),
        (_("所属企业"), {"fields": ("enterprises",), "description": _("仅企业用户需要；决定其能看到哪些企业的数据。")}),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "display_name", "password1", "password2")}),
    )

    def get_queryset(self, request):
        # Roles column: one prefetch for the page instead of one query per row.
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("角色"))
    def roles(self, obj):
        return "、".join(g.name for g in obj.groups.all())

    def has_view_permission(self, request, obj=None):
        key, role = _officer_autocomplete(request)
        if role is not None:
            source = apps.get_model(key[0], key[1])
            return request.user.has_perm(f"{key[0]}.view_{source._meta.model_name}")
        return super().has_view_permission(request, obj)

    def get_search_results(self, request, queryset, search_term):
        _key, role = _officer_autocomplete(request)
        if role is not None:
            queryset = queryset.filter(Q(groups__name=role) | Q(is_superuser=True), is_active=True).distinct()
        return super().get_search_results(request, queryset, search_term)
