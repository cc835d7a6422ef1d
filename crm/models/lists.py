"""Lists as data (可配置清单): the park's industry chains and their segments, towns and streets, qualification
kinds and source channels are rows an administrator edits in the admin, not Python constants.

A record keeps the entry's **code** in the same text column it always had (``Project.industry_chain`` holds
``"robotics"``), so stored values, reports, match criteria and API values did not change when the lists became
rows: ``ListCodeField`` is a ``CharField`` validated against the list's rows, with a ``get_<field>_display()``
reading the Chinese name. An entry in use is retired (``is_active=False``: gone from new records' choices, still
named on old ones), never deleted, and its code never changes (``crm.lists``).

The lists are small and read on almost every page, so they are cached in the process (``list_entries``) for
``LIST_CACHE_SECONDS``; a write through ``crm.lists`` forgets the cache at once in its own process, other
worker processes see the change within that time.
"""

import time
from dataclasses import dataclass
from functools import partialmethod

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS

from .base import TimeStampedModel

LIST_CACHE_SECONDS = 60


class ListEntry(TimeStampedModel):
    """One entry of an editable list: a code the records store, a Chinese name people read, an order."""

    code = models.SlugField(
        _("代码"), max_length=30, unique=True,
        help_text=_("英文小写字母、数字、下划线，存入记录和接口中；一经使用不能修改。"),
    )
    name = models.CharField(_("名称"), max_length=50, validators=LINE_VALIDATORS)
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    is_active = models.BooleanField(
        _("启用"), default=True, help_text=_("停用后新记录不能再选它，已有记录仍保留并显示它。")
    )

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class IndustryChain(ListEntry):
    """产业链: one of the park's leading industry chains, e.g. 智能机器人."""

    # Codes the code itself knows: ``OTHER`` is “no chain yet” to the matcher; the others are the seeded rows
    # (crm.0013), named for the demo and the tests. The rows are the truth.
    AI = "ai"
    ROBOTICS = "robotics"
    XINCHUANG = "xinchuang"
    CLOUD = "cloud"
    LIFE_HEALTH = "life_health"
    SMART_MANUFACTURING = "smart_manufacturing"
    NEW_MATERIALS = "new_materials"
    DIGITAL_ECONOMY = "digital_economy"
    OTHER = "other"

    class Meta(ListEntry.Meta):
        verbose_name = _("产业链")
        verbose_name_plural = _("产业链")


class ChainSegment(ListEntry):
    """产业链环节: a segment of a chain, e.g. the robots' “大脑” (large models) and “小脑” (motion control)."""

    chain = models.ForeignKey(
        IndustryChain, verbose_name=_("产业链"), on_delete=models.PROTECT, related_name="segments"
    )

    class Meta(ListEntry.Meta):
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["chain__order", "order", "id"]

    def __str__(self):
        return f"{self.chain.name} · {self.name}"


class Jurisdiction(ListEntry):
    """属地镇街: a town or street office enterprises are registered under."""

    SANDUN = "sandun"
    JIANGCUN = "jiangcun"
    OTHER = "other"

    class Meta(ListEntry.Meta):
        verbose_name = _("属地镇街")
        verbose_name_plural = _("属地镇街")


class QualificationKind(ListEntry):
    """资质类别: a kind of qualification an enterprise can hold, e.g. 国家级专精特新“小巨人”."""

    LITTLE_GIANT = "little_giant"
    PROVINCIAL_SRDI = "provincial_srdi"
    HIGH_TECH = "high_tech"
    LISTED = "listed"
    TECH_SME = "tech_sme"
    FIRST_OF_KIND = "first_of_kind"

    class Meta(ListEntry.Meta):
        verbose_name = _("资质类别")
        verbose_name_plural = _("资质类别")


class SourceChannel(ListEntry):
    """来源渠道: how a project came to the park, e.g. 以商招商."""

    ALLIANCE_EVENT = "alliance_event"
    BUSINESS_REFERRAL = "business_referral"
    FUND_LED = "fund_led"
    CHAIN_LED = "chain_led"
    INTERMEDIARY = "intermediary"
    WALK_IN = "walk_in"

    class Meta(ListEntry.Meta):
        verbose_name = _("来源渠道")
        verbose_name_plural = _("来源渠道")


# ---------------------------------------------------------------------------------------------------------------
# The cache of the small lists


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    is_active: bool
    chain: str = ""  # a segment's chain code


_CACHE: dict[str, tuple[float, tuple[Entry, ...]]] = {}


def list_entries(label: str) -> tuple[Entry, ...]:
    """Every entry of the list ``label`` (``"crm.IndustryChain"``), retired ones included, in their order.

    One query the first time in LIST_CACHE_SECONDS, none after.
    """
    now = time.monotonic()
    hit = _CACHE.get(label)
    if hit is not None and now - hit[0] < LIST_CACHE_SECONDS:
        return hit[1]
    model = apps.get_model(label)
    rows = model.objects.all()
    if model is ChainSegment:
        rows = rows.select_related("chain")
    entries = tuple(
        Entry(row.code, row.name, row.is_active, row.chain.code if model is ChainSegment else "") for row in rows
    )
    _CACHE[label] = (now, entries)
    return entries


def warm_lists() -> None:
    """Read every list into the cache now (a server that has answered a page has them; tests measuring queries
    start from there)."""
    for label in ("crm.IndustryChain", "crm.ChainSegment", "crm.Jurisdiction", "crm.QualificationKind",
                  "crm.SourceChannel", "parks.BenefitKind"):
        list_entries(label)


def forget_lists() -> None:
    """Drop the cached lists (after a write, and between tests)."""
    _CACHE.clear()


def list_labels(label: str) -> dict[str, str]:
    """code → Chinese name, retired entries included (old records still name them)."""
    return {entry.code: entry.name for entry in list_entries(label)}


def list_choices(label: str, *, chain: str | None = None) -> list[tuple[str, str]]:
    """The (code, name) pairs a new record may choose: active entries only (of ``chain``, for segments)."""
    return [
        (entry.code, entry.name) for entry in list_entries(label)
        if entry.is_active and (chain is None or entry.chain == chain)
    ]


RETIRED_SUFFIX = _("（已停用）")


def list_check_code(label: str, value: str, *, unchanged: bool) -> None:
    """Refuse a code that is not in the list, or a retired one unless the record already held it."""
    entries = {entry.code: entry for entry in list_entries(label)}
    entry = entries.get(value)
    verbose = apps.get_model(label)._meta.verbose_name
    if entry is None:
        raise ValidationError(
            _("“%(value)s”不是有效的%(list)s，请从清单中选择。"), code="invalid_choice",
            params={"value": value, "list": verbose},
        )
    if not entry.is_active and not unchanged:
        raise ValidationError(
            _("%(list)s“%(name)s”已停用，新记录不能再选它。"), code="retired",
            params={"name": entry.name, "list": verbose},
        )


def list_check_segment(chain: str, segment: str) -> None:
    """Refuse a chain segment (产业链环节) that is not a segment of the record's chain."""
    if not segment:
        return
    entry = next((e for e in list_entries("crm.ChainSegment") if e.code == segment), None)
    if entry is not None and entry.chain != chain:
        raise ValidationError(
            {"chain_segment": _("“%(name)s”不是所选产业链的环节。") % {"name": entry.name}}, code="segment_chain"
        )


# ---------------------------------------------------------------------------------------------------------------
# The field that stores a code of a list


class ListSelect(forms.Select):
    """A select of the active entries that still shows a record's retired entry (marked 已停用) as selected."""

    list_model = ""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        offered = set()
        for code, label in self.choices:
            offered |= {str(c) for c, _label in label} if isinstance(label, list | tuple) else {str(code)}
        labels = list_labels(self.list_model)
        for index, code in enumerate(v for v in value if v and v not in offered and v in labels):
            option = self.create_option(
                name, code, f"{labels[code]}{RETIRED_SUFFIX}", True, len(groups) + index, attrs=attrs
            )
            groups.append((None, [option], len(groups)))
        return groups


class ListChoiceField(forms.TypedChoiceField):
    """Offers the active entries; accepts a retired one too (the model field refuses it unless unchanged)."""

    def __init__(self, *, list_model, **kwargs):
        self.list_model = list_model
        super().__init__(**kwargs)
        self.widget.list_model = list_model

    def valid_value(self, value):
        return str(value) in list_labels(self.list_model)


class ListCodeField(models.CharField):
    """A code of an editable list (``list_model``, e.g. ``"crm.IndustryChain"``), stored as text.

    Validated against the list's rows: an unknown code is refused, a retired one is refused unless the record
    already held it. ``get_<name>_display()`` reads the entry's name; the admin shows and filters by it.
    Migrations see a plain ``CharField`` (the list is data, not schema).
    """

    def __init__(self, *args, list_model: str = "", **kwargs):
        self.list_model = list_model
        kwargs.setdefault("max_length", 30)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        if not cls._meta.abstract:
            setattr(cls, f"get_{self.name}_display", partialmethod(_display, field=self))

    @property
    def flatchoices(self):
        """Every entry, retired ones included: the admin's list columns and filters read it."""
        return list(list_labels(self.list_model).items())

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not self.editable or value in self.empty_values:
            return
        list_check_code(self.list_model, value, unchanged=self._unchanged(value, model_instance))

    def _unchanged(self, value, instance) -> bool:
        if instance is None or instance._state.adding or instance.pk is None:
            return False
        return type(instance)._default_manager.filter(pk=instance.pk, **{self.attname: value}).exists()

    def formfield(self, **kwargs):
        include_blank = self.blank or not (self.has_default() or "initial" in kwargs)
        list_model = self.list_model

        def choices():
            blank = [("", "---------")] * include_blank
            if list_model != "crm.ChainSegment":
                return blank + list_choices(list_model)
            chains = list_labels("crm.IndustryChain")
            groups: dict[str, list] = {}
            for entry in list_entries(list_model):
                if entry.is_active:
                    groups.setdefault(chains.get(entry.chain, entry.chain), []).append((entry.code, entry.name))
            return blank + list(groups.items())  # a select with one group per chain

        defaults = {
            "required": not self.blank, "label": self.verbose_name, "help_text": self.help_text,
            "choices": choices, "coerce": str, "empty_value": "", "widget": ListSelect,
            "list_model": list_model,
        }
        if self.has_default():
            defaults["initial"] = self.get_default()
        defaults.update(kwargs)
        defaults["widget"] = ListSelect  # not the admin's text input for a CharField
        for key in ("max_length", "form_class", "choices_form_class"):
            defaults.pop(key, None)
        return ListChoiceField(**defaults)


def _display(instance, *, field: ListCodeField) -> str:
    value = getattr(instance, field.attname)
    return list_labels(field.list_model).get(value, value) if value else ""
