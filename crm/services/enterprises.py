"""Writes on enterprises."""

from django.core.exceptions import ValidationError
from django.db import transaction

from crm.errors import DomainError
from crm.models import Enterprise, User
from crm.validators import normalize_credit_code


@transaction.atomic
def enterprise_create(*, actor: User, **fields) -> Enterprise:
    """Register an enterprise; the credit code is normalised and checked (check character, uniqueness)."""
    if fields.get("credit_code"):
        fields["credit_code"] = normalize_credit_code(fields["credit_code"])
    enterprise = Enterprise(**fields)
    try:
        enterprise.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    enterprise._change_reason = f"created by {actor}"
    enterprise.save()
    return enterprise
