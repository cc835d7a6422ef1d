"""The editable lists (可配置清单): the one door for changing an entry, and what "in use" means.

An entry is *in use* when a record stores its code — a project, an enterprise, a qualification, a policy clause,
a match criterion (产业链 and 企业资质 kinds keep the code in ``EligibilityCriterion.choice``), a chain's segment.
An entry in use is never deleted and its code never changes: retire it (``is_active=False``) and it leaves the
choices of new records while old records keep showing it. Only superusers (the park's administrators) edit the
lists; every staff role reads them (``crm.roles.Area.LISTS``).
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import ChainSegment, IndustryChain, ListCodeField, ListEntry, forget_lists

# The match-criterion kinds whose ``choice`` holds a code of a list.
CRITERION_LISTS = {"crm.IndustryChain": "industry_chain", "crm.QualificationKind": "qualification"}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def list_entry_uses(entry: ListEntry) -> int:
    """How many records hold ``entry``'s code (its stored code: a code being edited counts as the old one)."""
    model = type(entry)
    code = model.objects.filter(pk=entry.pk).values_list("code", flat=True).first() if entry.pk else None
    if code is None:
        return 0
    label = _label(model)
    uses = 0
    for other in apps.get_models():
        if other.__name__.startswith("Historical"):  # a history row is not a record in use
            continue
        for field in other._meta.concrete_fields:
            if isinstance(field, ListCodeField) and field.list_model == label:
                uses += other._default_manager.filter(**{field.attname: code}).count()
    if label in CRITERION_LISTS:
        criterion = apps.get_model("parks", "EligibilityCriterion")
        uses += criterion.objects.filter(kind=CRITERION_LISTS[label], choice=code).count()
    if model is IndustryChain:
        uses += ChainSegment.objects.filter(chain_id=entry.pk).count()
    return uses


def _require_administrator(actor) -> None:
    if actor is None or not actor.is_superuser:
        raise DomainError(_("只有系统管理员可以修改清单。"), code=DomainError.FORBIDDEN)


@transaction.atomic
def list_entry_save(*, entry: ListEntry, actor) -> ListEntry:
    """Add or change an entry. Its code cannot change once a record uses it."""
    _require_administrator(actor)
    if entry.pk:
        stored = type(entry).objects.select_for_update().get(pk=entry.pk)
        if stored.code != entry.code and list_entry_uses(stored):
            raise DomainError(
                _("代码“%(code)s”已被使用，不能修改；可以修改名称，或停用它再新增一项。") % {"code": stored.code},
                field="code",
            )
    try:
        entry.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from error
    entry.save()
    forget_lists()
    transaction.on_commit(forget_lists)
    return entry


def list_entry_check_deletable(entry: ListEntry) -> None:
    """Refuse (``DomainError``) to delete an entry some record uses."""
    uses = list_entry_uses(entry)
    if uses:
        raise DomainError(
            _("“%(name)s”已被 %(uses)s 条记录使用，不能删除；请取消勾选“启用”将其停用。") % {"name": entry.name, "uses": uses}
        )


@transaction.atomic
def list_entry_delete(*, entry: ListEntry, actor) -> None:
    """Delete an entry no record uses (a typo); an entry in use is refused — retire it instead."""
    _require_administrator(actor)
    list_entry_check_deletable(entry)
    entry.delete()
    forget_lists()
    transaction.on_commit(forget_lists)


__all__ = ["list_entry_check_deletable", "list_entry_delete", "list_entry_save", "list_entry_uses"]
