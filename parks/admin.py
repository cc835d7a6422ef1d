"""Supply side in the staff admin: parks, land parcels, spaces, policies and policy money."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.admin.common import money_wan

from .models import EligibilityCriterion, LandParcel, Park, Policy, PolicyClause, PolicyGrant, Space


class ChildParkInline(admin.TabularInline):
    model = Park
    fk_name = "parent"
    fields = ("name", "short_name", "kind")
    extra = 0
    show_change_link = True
    verbose_name_plural = _("下级园区")


@admin.register(Park)
class ParkAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "parent", "planned_area_km2", "target_enterprises", "established_on")
    list_select_related = ("parent",)
    list_filter = ("kind", ("parent", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "short_name")
    autocomplete_fields = ("parent",)
    inlines = [ChildParkInline]


@admin.register(LandParcel)
class LandParcelAdmin(admin.ModelAdmin):
    """地块: the status, the project and the transfer date move only through the parcel status service."""

    list_display = ("code", "name", "park", "land_use", "area_m2", "reserve_price_display", "status", "project")
    list_select_related = ("park", "project")
    list_filter = ("status", "land_use", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name", "address")
    autocomplete_fields = ("park",)
    readonly_fields = ("status", "project", "transferred_on")
    fieldsets = (
        (None, {"fields": ("code", "name", "park", "land_use", "area_m2", "far_min", "far_max", "address")}),
        (_("出让"), {"fields": ("status", "project", "reserve_price", "transfer_price", "transferred_on")}),
        (_("地图"), {"classes": ["collapse"], "fields": ("outline",)}),
    )

    @admin.display(description=_("起始价"), ordering="reserve_price")
    def reserve_price_display(self, obj):
        return money_wan(obj.reserve_price)


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "park", "kind", "area_m2", "rent_per_m2_day", "status", "occupant", "rent_free_months")
    list_select_related = ("park", "occupant")
    list_filter = ("status", "kind", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("building", "unit", "occupant__name")
    autocomplete_fields = ("park", "occupant")


class PolicyClauseInline(admin.TabularInline):
    model = PolicyClause
    fields = ("number", "title", "benefit_kind", "amount_cap", "formula", "valid_from", "valid_until")
    extra = 0
    show_change_link = True


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "issuer", "issued_on", "valid_from", "valid_until", "park", "is_published")
    list_select_related = ("park",)
    list_filter = ("is_published", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "short_name", "issuer")
    autocomplete_fields = ("park",)
    inlines = [PolicyClauseInline]


class EligibilityCriterionInline(admin.TabularInline):
    model = EligibilityCriterion
    fields = ("kind", "number", "choice", "park")
    autocomplete_fields = ("park",)
    extra = 0


@admin.register(PolicyClause)
class PolicyClauseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "policy", "number", "benefit_kind", "amount_cap", "valid_from", "valid_until")
    list_select_related = ("policy",)
    list_filter = ("benefit_kind", "policy")
    search_fields = ("title", "text", "policy__name", "policy__short_name")
    autocomplete_fields = ("policy",)
    inlines = [EligibilityCriterionInline]


@admin.register(EligibilityCriterion)
class EligibilityCriterionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "clause", "kind", "number", "choice", "park")
    list_select_related = ("clause__policy", "park")
    list_filter = ("kind",)
    search_fields = ("clause__title", "clause__policy__name", "choice")
    autocomplete_fields = ("clause", "park")


@admin.register(PolicyGrant)
class PolicyGrantAdmin(admin.ModelAdmin):
    list_display = (
        "enterprise", "clause", "project", "status", "applied_amount", "approved_amount", "disbursed_amount", "applied_on",
    )
    list_select_related = ("enterprise", "clause__policy", "project")
    list_filter = ("status", "clause__policy")
    search_fields = ("enterprise__name", "enterprise__short_name", "project__name", "clause__title")
    date_hierarchy = "applied_on"
    autocomplete_fields = ("clause", "enterprise", "project")
