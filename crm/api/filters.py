"""Query-string filters (django-filter) of the list endpoints.

Dates filter on the calendar day (``__date``) and amounts carry the column's precision, so an
absurd value is a 400 from the form field, not an overflow in the database.

A filter only staff may use (``staff_only``, e.g. ``assignee``) is ignored for anyone else: an enterprise user
asking ``?assignee=N`` gets the same answer for a staff id, any other id or no id at all, so the filter tells
nobody which ids are staff (tests/security/test_filter_enumeration.py).
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import (
    Enterprise,
    Notification,
    Project,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    Stage,
    User,
    list_labels,
)
from parks.models import Park


def _amount_filter(field_name, lookup_expr, label):
    return django_filters.NumberFilter(
        field_name=field_name, lookup_expr=lookup_expr, label=label, max_digits=14, decimal_places=2
    )


def _visible_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.visible_to(request.user)


def _visible_categories(request):
    """Staff filter by any category, retired ones too; anyone else by those offered (as the category list shows)."""
    if request is not None and request.user.is_staff:
        return ServiceCategory.objects.all()
    return ServiceCategory.objects.filter(is_active=True)


class RoleAwareFilterSet(django_filters.FilterSet):
    """A filter set whose ``staff_only`` filters exist for staff only; for anyone else they are not there."""

    staff_only: tuple[str, ...] = ()

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = getattr(request, "user", None)
        if not (user is not None and user.is_authenticated and user.is_staff):
            for name in self.staff_only:
                self.filters.pop(name, None)


class ServiceRequestFilter(RoleAwareFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=RequestStatus.choices, label=_("状态"))
    category = django_filters.ModelChoiceFilter(
        queryset=_visible_categories, to_field_name="code", label=_("服务类别代码")
    )
    enterprise = django_filters.ModelChoiceFilter(queryset=_visible_enterprises, label=_("企业"))
    assignee = django_filters.ModelChoiceFilter(queryset=User.objects.filter(is_staff=True), label=_("经办人"))
    is_open = django_filters.BooleanFilter(method="filter_is_open", label=_("未办结"))

    # Who handles a request is the station's business: an enterprise user's ?assignee= is ignored.
    staff_only = ("assignee",)

    class Meta:
        model = ServiceRequest
        fields = ["status", "category", "enterprise", "assignee", "is_open"]

    def filter_is_open(self, queryset, name, value):
        return queryset.open() if value else queryset.exclude(pk__in=queryset.open().values("pk"))


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label=_("未读"))
    channel = django_filters.ChoiceFilter(choices=Notification.Channel.choices, label=_("渠道"))

    class Meta:
        model = Notification
        fields = ["unread", "channel"]


class ListCodeFormField(forms.CharField):
    """A code of an editable list, retired entries included (old records are still found by them)."""

    def __init__(self, *args, list_model, **kwargs):
        self.list_model = list_model
        super().__init__(*args, **kwargs)

    def validate(self, value):
        super().validate(value)
        if value and value not in list_labels(self.list_model):
            raise forms.ValidationError(
                _("“%(value)s”不是有效的选项，可选：%(codes)s。"), code="invalid_choice",
                params={"value": value, "codes": "、".join(list_labels(self.list_model))},
            )


class ListCodeFilter(django_filters.CharFilter):
    """Filters by a code of an editable list (``list_model``); a string in the schema, validated against the rows."""

    field_class = ListCodeFormField


class EnterpriseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Enterprise.Status.choices, label=_("状态"))
    industry_chain = ListCodeFilter(list_model="crm.IndustryChain", label=_("产业链"))
    jurisdiction = ListCodeFilter(list_model="crm.Jurisdiction", label=_("属地"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))

    class Meta:
        model = Enterprise
        fields = ["status", "industry_chain", "jurisdiction", "park"]


class ProjectFilter(django_filters.FilterSet):
    stage = django_filters.MultipleChoiceFilter(choices=Stage.choices, label=_("阶段"))
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.filter(is_staff=True), label=_("负责人"))
    industry_chain = ListCodeFilter(list_model="crm.IndustryChain", label=_("产业链"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("拟落地园区"))
    total_investment_min = _amount_filter("total_investment", "gte", _("总投资不低于（万元）"))
    total_investment_max = _amount_filter("total_investment", "lte", _("总投资不高于（万元）"))
    created_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("创建日期起"))
    created_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("创建日期止"))
    expected_signing_after = django_filters.DateFilter(
        field_name="expected_signing_on", lookup_expr="gte", label=_("预计签约日期起")
    )
    expected_signing_before = django_filters.DateFilter(
        field_name="expected_signing_on", lookup_expr="lte", label=_("预计签约日期止")
    )

    class Meta:
        model = Project
        fields = ["stage", "owner", "industry_chain", "park"]
