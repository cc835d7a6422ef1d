"""The category-specific fields of a service request (``ServiceRequest.details``).

Each category code may have a Django form describing its own fields; the portal renders it and
the API validates with it, so both give the same field-level errors. Its text fields carry the text rules of
every other field (``crm.validators``: no control character, no lone surrogate — PostgreSQL refuses one in JSON) and
its dates the date window (``crm.validators``). Sensitive values (passport
numbers) are encrypted before they are stored and masked for everyone but the assigned officer.
"""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm import crypto
from crm.errors import DomainError
from crm.validators import LINE_VALIDATORS, validate_plausible_date

PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,12}$")
SENSITIVE_KEYS = {"passport_number"}
# The detail fields that hold a phone number: the desk finds a request by them (the admin's search).
PHONE_KEYS = ("contact_phone",)


def contact_phone_field():
    """联系电话: whom the desk calls about this request, when it is not the submitter's own number."""
    return forms.CharField(
        label=_("联系电话"), max_length=30, required=False, validators=LINE_VALIDATORS,
        help_text=_("经办人联系您时拨打的电话；不填则使用提交人的手机号。"),
    )


class WorkPermitDetailsForm(forms.Form):
    """外国人来华工作许可: the foreign expert the permit is for."""

    expert_name = forms.CharField(label=_("外籍人才姓名"), max_length=100, validators=LINE_VALIDATORS)
    nationality = forms.CharField(label=_("国籍"), max_length=50, validators=LINE_VALIDATORS)
    passport_number = forms.CharField(
        label=_("护照号码"), max_length=12, validators=LINE_VALIDATORS, help_text=_("6–12 位大写字母或数字。")
    )
    position = forms.CharField(label=_("拟任职务"), max_length=100, validators=LINE_VALIDATORS)
    planned_start_date = forms.DateField(
        label=_("计划入职日期"), validators=[validate_plausible_date], widget=forms.DateInput(attrs={"type": "date"})
    )
    contact_phone = contact_phone_field()

    def clean_passport_number(self):
        value = self.cleaned_data["passport_number"].strip().upper().replace(" ", "")
        if not PASSPORT_RE.match(value):
            raise forms.ValidationError(_("护照号码格式不正确：应为 6–12 位大写字母或数字。"))
        return value

    def clean_planned_start_date(self):
        value = self.cleaned_data["planned_start_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("计划入职日期不能早于今天。"))
        return value


class TalentHousingDetailsForm(forms.Form):
    """人才房: who is applying and for how many people."""

    applicant_name = forms.CharField(label=_("申请人姓名"), max_length=50, validators=LINE_VALIDATORS)
    talent_level = forms.CharField(label=_("人才层次"), max_length=50, required=False, validators=LINE_VALIDATORS)
    household_size = forms.IntegerField(label=_("入住人数"), min_value=1, max_value=10)
    contact_phone = contact_phone_field()


DETAIL_FORMS: dict[str, type[forms.Form]] = {
    "work_permit": WorkPermitDetailsForm,
    "talent_housing": TalentHousingDetailsForm,
}


def details_form_for(category_code: str, data=None, prefix="details"):
    """The form of a category's own fields, or None when the category has none."""
    form_class = DETAIL_FORMS.get(category_code)
    if form_class is None:
        return None
    return form_class(data=data, prefix=prefix)


def details_clean(*, category_code: str, data: dict | None) -> dict:
    """Validate raw details for a category and return what to store (JSON-safe, sensitive values encrypted).

    Raises ``DomainError`` whose message is a dict of field errors keyed ``details.<field>``.
    """
    form_class = DETAIL_FORMS.get(category_code)
    data = data or {}
    if form_class is None:
        return {}
    if not isinstance(data, dict):
        raise DomainError(_("类别专属信息应为对象。"), field="details")
    # A posted form carries text; JSON clients may send numbers. Lists and objects are never a field value.
    nested = [key for key, value in data.items() if isinstance(value, list | dict)]
    if nested:
        raise DetailsInvalid({key: [_("应为文字、数字或日期，不能是列表或对象。")] for key in nested})
    data = {key: "" if value is None else str(value) for key, value in data.items()}
    form = form_class(data=data)
    if not form.is_valid():
        raise DetailsInvalid(form.errors)
    stored = {}
    for key, value in form.cleaned_data.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if key in SENSITIVE_KEYS and value:
            value = crypto.encrypt(value)
        stored[key] = value
    return stored


class DetailsInvalid(DomainError):
    def __init__(self, errors):
        super().__init__(_("类别专属信息有误。"), field="details")
        self.errors = {key: [str(e) for e in errs] for key, errs in errors.items()}

    def as_dict(self):
        return {"details": self.errors}


def details_for_display(*, service_request, user) -> dict:
    """Details as ``user`` may see them: sensitive values in clear only for the assigned officer."""
    can_see = user.is_authenticated and service_request.assignee_id == user.pk
    shown = {}
    for key, value in (service_request.details or {}).items():
        if key in SENSITIVE_KEYS and value:
            clear = crypto.decrypt(value)
            value = clear if can_see else crypto.mask(clear)
        shown[key] = value
    return shown


def details_rotate_encryption(*, batch_size: int = 500) -> int:
    """Re-encrypt every sensitive detail with the current key (``crypto.rotate``); returns how many requests changed.

    Run after a new ``DJANGO_FIELD_ENCRYPTION_KEY`` was set with the old one in ``DJANGO_FIELD_ENCRYPTION_OLD_KEYS``
    (``manage.py rotate_encryption_key``). Only ``details`` is written, by ``update()``: no ``updated_at``, no
    history row, nothing for anyone to notice. Each batch is its own transaction, so a stopped run is simply run
    again; a value no key opens stops the run (``InvalidToken``) before that batch is written.
    """
    from django.db import transaction

    from crm.models import ServiceRequest

    changed = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                ServiceRequest.objects.filter(pk__gt=last_pk)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", "details")[:batch_size]
            )
            for pk, details in rows:
                details = details or {}
                rotated = {
                    key: crypto.rotate(value) if key in SENSITIVE_KEYS and isinstance(value, str) else value
                    for key, value in details.items()
                }
                if rotated != details:
                    ServiceRequest.objects.filter(pk=pk).update(details=rotated)
                    changed += 1
        if len(rows) < batch_size:
            return changed
        last_pk = rows[-1][0]


def details_labels(category_code: str) -> dict:
    form_class = DETAIL_FORMS.get(category_code)
    if form_class is None:
        return {}
    return {name: field.label for name, field in form_class.base_fields.items()}
