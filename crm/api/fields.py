"""Serializer fields for the editable lists (``crm.models.lists``).

A list's code travels as a plain string — the schema has no enum, since an administrator adds entries at any
time — and is validated against the rows: an unknown code, or a retired one on a new record, is a 400 with a
Chinese message; a record that already holds a retired code keeps it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from crm.models import ListCodeField
from crm.models.lists import list_check_code


class ListCodeSerializerField(serializers.CharField):
    def __init__(self, *, list_model: str, **kwargs):
        self.list_model = list_model
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value == "":
            return value
        instance = getattr(self.parent, "instance", None)
        unchanged = instance is not None and getattr(instance, self.source, None) == value
        try:
            list_check_code(self.list_model, value, unchanged=unchanged)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value


class ListCodeFieldsMixin:
    """For a ModelSerializer: its ``ListCodeField`` model fields become ``ListCodeSerializerField``."""

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, ListCodeField):
            field_class = ListCodeSerializerField
            kwargs["list_model"] = model_field.list_model
            kwargs.setdefault("help_text", model_field.verbose_name)
            kwargs["help_text"] = f"{kwargs['help_text']}（代码，取值见后台“{model_field.verbose_name}”清单）"
        return field_class, kwargs


class ListEntrySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="记录和接口中使用的代码")
    name = serializers.CharField(help_text="中文名称")
    is_active = serializers.BooleanField(help_text="停用的条目不能用于新记录，已有记录仍保留")
    chain = serializers.CharField(help_text="产业链环节所属产业链的代码；其他清单为空")


class ListsSerializer(serializers.Serializer):
    """Every editable list with its entries, in their order: the codes the other endpoints accept."""

    industry_chain = ListEntrySerializer(many=True)
    chain_segment = ListEntrySerializer(many=True)
    jurisdiction = ListEntrySerializer(many=True)
    qualification = ListEntrySerializer(many=True)
    source_channel = ListEntrySerializer(many=True)
    benefit_kind = ListEntrySerializer(many=True)


# The lists the API publishes: key → list model.
API_LISTS = {
    "industry_chain": "crm.IndustryChain",
    "chain_segment": "crm.ChainSegment",
    "jurisdiction": "crm.Jurisdiction",
    "qualification": "crm.QualificationKind",
    "source_channel": "crm.SourceChannel",
    "benefit_kind": "parks.BenefitKind",
}
