"""Writes on enterprises: ``enterprise_create`` is the one door for a new one (API, admin, leads import, demo).

The credit code is compacted here and nowhere else (officers paste codes with spaces, dashes or in lower
case), and here it is checked: its check character, and that no other enterprise holds it. The database's
own unique constraint on the code is conditional (a prospect may have none), which Django reports only as
“约束……是无效的”; the check below names the enterprise that holds the code instead.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import (
    Contact,
    Enterprise,
    User,
)
from crm.names import company_name_key
from crm.roles import Work, require_role
from crm.validators import normalize_credit_code, normalize_phone


def enterprise_check(*, enterprise: Enterprise) -> Enterprise:
    """Compact the credit code of an unsaved enterprise (new or edited), set its 撞单 name key, check every rule.

    The rules of ``enterprise_create``; the admin form runs them too so that their errors stand beside the
    fields. Raises ``DomainError`` with field errors, each field's own message.
    """
    enterprise.credit_code = normalize_credit_code(enterprise.credit_code)
    enterprise.name_key = company_name_key(enterprise.name)  # 撞单's key follows the name (crm.names)
    errors: dict = {}
    try:
        enterprise.full_clean(validate_constraints=False)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    code = enterprise.credit_code
    if code and "credit_code" not in errors:
        holder = Enterprise.objects.filter(credit_code=code).exclude(pk=enterprise.pk).first()
        if holder is not None:
            errors["credit_code"] = [ValidationError(
                _("统一社会信用代码 %(code)s 已由“%(name)s”登记，请勿重复登记。") % {"code": code, "name": holder.name},
                code="unique",
            )]
    try:
        enterprise.validate_constraints(exclude={"credit_code", *errors})
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise DomainError.from_validation_error(ValidationError(errors))
    return enterprise


@transaction.atomic
def enterprise_create(*, actor: User, **fields) -> Enterprise:
    """Register an enterprise (登记企业) once ``enterprise_check`` passes."""
    require_role(actor, Work.ENTERPRISES)
    enterprise = enterprise_check(enterprise=Enterprise(**fields))
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_for_lead(*, actor: User, name: str, credit_code: str = "") -> Enterprise:
    """The investor of an imported lead (线索导入): the enterprise holding ``credit_code`` (however pasted), else
    the one named exactly ``name``, else a new prospect (意向企业) registered through ``enterprise_create``."""
    require_role(actor, Work.ENTERPRISES)
    name = (name or "").strip()
    code = normalize_credit_code(credit_code)
    found = (code and Enterprise.objects.filter(credit_code=code).first()) or (
        name and Enterprise.objects.filter(name=name).first()
    )
    if found:
        return found
    if not name:
        raise DomainError(_("企业名称不能为空。"), field="name")
    return enterprise_create(actor=actor, name=name, credit_code=code, status=Enterprise.Status.PROSPECT)


@transaction.atomic
def contact_add(*, actor: User, enterprise: Enterprise, name: str, phone: str = "") -> Contact:
    """A contact (联系人) of ``enterprise`` named in a lead import: the one of that name if the enterprise has one
    (its phone filled in if it had none, never overwritten), else a new contact — the primary one if the
    enterprise had none. ``phone`` is checked by ``normalize_phone`` first."""
    require_role(actor, Work.ENTERPRISES)
    name = (name or "").strip()
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise DomainError(error.messages[0], field="phone") from None
    contact = enterprise.contacts.filter(name=name).first()
    if contact is not None:
        if phone and not contact.phone:
            contact.phone = phone
            contact.save(update_fields=["phone", "updated_at"])
        return contact
    contact = Contact(
        enterprise=enterprise, name=name, phone=phone, is_primary=not enterprise.contacts.exists()
    )
    try:
        contact.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    contact.save()
    return contact


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).order_by("name", "id")


@transaction.atomic
def enterprise_update(*, actor: User, enterprise: Enterprise, **fields) -> Enterprise:
    """Change an enterprise's fields (an onboarding re-import, 数据导入) once ``enterprise_check`` passes: the same
    rules as ``enterprise_create`` — the credit code compacted and checked, the 撞单 name key following the name."""
    require_role(actor, Work.ENTERPRISES)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise = enterprise_check(enterprise=enterprise)
    enterprise.save()
    return enterprise
