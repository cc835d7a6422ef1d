"""Excel exports of the supply side's admin lists: 地块, 载体空间, 政策兑现 (issue 14, item 3).

As crm's (``crm.admin.exports``): the list as the user sees it, for whoever may read it, through ``SpreadsheetResource``
(Chinese headers, labels for choices, amounts and dates as numbers and dates, text by the formula rule).
"""

from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from crm.admin.resources import SpreadsheetResource

from .models import LandParcel, PolicyGrant, Space


def _amount(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=widgets.DecimalWidget())


def _date(attribute, column):
    return fields.Field(attribute=attribute, column_name=column, widget=widgets.DateWidget())


class LandParcelExportResource(SpreadsheetResource):
    code = fields.Field(attribute="code", column_name=_("地块编号"))
    name = fields.Field(attribute="name", column_name=_("地块名称"))
    park = fields.Field(attribute="park", column_name=_("园区"))
    land_use = fields.Field(attribute="get_land_use_display", column_name=_("用地性质"))
    area_m2 = _amount("area_m2", _("面积（m²）"))
    far_min = _amount("far_min", _("容积率下限"))
    far_max = _amount("far_max", _("容积率上限"))
    reserve_price = _amount("reserve_price", _("起始价（万元）"))
    status = fields.Field(attribute="get_status_display", column_name=_("状态"))
    project = fields.Field(attribute="project__name", column_name=_("项目"))
    transferred_on = _date("transferred_on", _("出让日期"))
    transfer_price = _amount("transfer_price", _("成交价（万元）"))
    address = fields.Field(attribute="address", column_name=_("位置"))

    class Meta:
        model = LandParcel
        fields = (
            "code", "name", "park", "land_use", "area_m2", "far_min", "far_max", "reserve_price", "status", "project",
            "transferred_on", "transfer_price", "address",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("地块")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("park", "project")


class SpaceExportResource(SpreadsheetResource):
    park = fields.Field(attribute="park", column_name=_("园区"))
    building = fields.Field(attribute="building", column_name=_("楼宇"))
    unit = fields.Field(attribute="unit", column_name=_("单元"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("类型"))
    area_m2 = _amount("area_m2", _("面积（m²）"))
    rent_per_m2_day = _amount("rent_per_m2_day", _("租金（元/m²·天）"))
    status = fields.Field(attribute="get_status_display", column_name=_("状态"))
    occupant = fields.Field(attribute="occupant__name", column_name=_("入驻企业"))
    lease_start = _date("lease_start", _("起租日期"))
    lease_end = _date("lease_end", _("租期截止"))
    rent_free_months = fields.Field(
        attribute="rent_free_months", column_name=_("免租期（月）"), widget=widgets.IntegerWidget()
    )
    rent_free_ends_on = _date("rent_free_ends_on", _("免租期满日"))

    class Meta:
        model = Space
        fields = (
            "park", "building", "unit", "kind", "area_m2", "rent_per_m2_day", "status", "occupant", "lease_start",
            "lease_end", "rent_free_months", "rent_free_ends_on",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("载体空间")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("park", "occupant")


class PolicyGrantExportResource(SpreadsheetResource):
    enterprise = fields.Field(attribute="enterprise__name", column_name=_("企业"))
    policy = fields.Field(attribute="clause__policy__name", column_name=_("政策"))
    clause = fields.Field(column_name=_("条款"))
    project = fields.Field(attribute="project__name", column_name=_("项目"))
    status = fields.Field(attribute="get_status_display", column_name=_("状态"))
    applied_amount = _amount("applied_amount", _("申请金额（万元）"))
    approved_amount = _amount("approved_amount", _("核准金额（万元）"))
    disbursed_amount = _amount("disbursed_amount", _("拨付金额（万元）"))
    applied_on = _date("applied_on", _("申请日期"))
    approved_on = _date("approved_on", _("核准日期"))
    disbursed_on = _date("disbursed_on", _("拨付日期"))

    class Meta:
        model = PolicyGrant
        fields = (
            "enterprise", "policy", "clause", "project", "status", "applied_amount", "approved_amount",
            "disbursed_amount", "applied_on", "approved_on", "disbursed_on",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("政策兑现")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("enterprise", "clause__policy", "project")

    def dehydrate_clause(self, obj):
        return f"第{obj.clause.number}条 {obj.clause.title}"
