"""The category-specific fields of a service request (``ServiceRequest.details``).

Each category may have a form of its own fields, designed in the admin and published as versions
(``crm.service_requests.category_forms``); a Django form class is built from a version's definition: the portal
renders it and the API validates with it, so both give the same field-level errors. Its text fields carry the text rules of
every other field (``crm.validators``: no control character, no lone surrogate — PostgreSQL refuses one in JSON) and
its dates the date window (``crm.validators``). Sensitive values (passport
numbers) are encrypted before they are stored and masked for everyone but the assigned officer.
"""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm import crypto
from crm.errors import DomainError
from crm.validators import LINE_VALIDATORS, validate_long_text, validate_plausible_date

PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,12}$")
# The keys encrypted before the designed forms existed; today a field of kind ``passport`` is (``sensitive_keys``).
SENSITIVE_KEYS = {"passport_number"}
# The detail fields that hold a phone number: the desk finds a request by them (the admin's search).
PHONE_KEYS = ("contact_phone",)
TEXT_MAX_LENGTH = {"text": 200, "long_text": 2000}
PASSPORT_MAX_LENGTH = 12


class PassportField(forms.CharField):
    """护照号码: upper case without spaces, 6–12 letters or digits; encrypted when stored (``details_clean``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", PASSPORT_MAX_LENGTH)
        kwargs.setdefault("help_text", _("6–12 位大写字母或数字。"))
        super().__init__(validators=LINE_VALIDATORS, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return value
        value = value.strip().upper().replace(" ", "")
        if not PASSPORT_RE.match(value):
            raise forms.ValidationError(_("护照号码格式不正确：应为 6–12 位大写字母或数字。"))
        return value


class NotBeforeTodayDateField(forms.DateField):
    """A date the form refuses before today (e.g. 计划入职日期)."""

    def validate(self, value):
        super().validate(value)
        if value and value < timezone.localdate():
            raise forms.ValidationError(_("%(label)s不能早于今天。") % {"label": self.label})


def _form_field(spec: dict) -> forms.Field:
    """The Django form field of one field definition (``crm.service_requests.category_forms.field_definition``)."""
    kind = spec["kind"]
    # A label or help text that is a catalogue entry (the presets' are) is shown in the active language;
    # one the administrator typed is shown as typed.
    help_text = gettext(spec["help_text"]) if spec.get("help_text") else ""
    common = {"label": gettext(spec["label"]), "required": spec["required"], "help_text": help_text}
    if kind == "passport":
        if not common["help_text"]:
            del common["help_text"]
        return PassportField(**common)
    if kind == "text":
        return forms.CharField(max_length=spec.get("max_length") or TEXT_MAX_LENGTH["text"], validators=LINE_VALIDATORS,
                               **common)
    if kind == "long_text":
        return forms.CharField(
            max_length=spec.get("max_length") or TEXT_MAX_LENGTH["long_text"], validators=[validate_long_text],
            widget=forms.Textarea(attrs={"rows": 4}), **common,
        )
    if kind == "number":
        return forms.IntegerField(min_value=spec.get("min_value"), max_value=spec.get("max_value"), **common)
    if kind == "date":
        field_class = NotBeforeTodayDateField if spec.get("not_before_today") else forms.DateField
        return field_class(validators=[validate_plausible_date], widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "choice":
        choices = [("", _("请选择"))] + [(option, option) for option in spec.get("options") or []]
        return forms.ChoiceField(choices=choices, **common)
    raise ValueError(f"unknown field kind {kind!r}")


def details_form_class(definition: list[dict]) -> type[forms.Form]:
    """The Django form of a category's fields, built from a version's definition (its order kept)."""
    fields = {spec["key"]: _form_field(spec) for spec in definition}
    return type("CategoryDetailsForm", (forms.Form,), fields)


def sensitive_keys(definition: list[dict] | None) -> set[str]:
    """The keys a definition encrypts and masks: its passport fields (and the historical ``passport_number``)."""
    return SENSITIVE_KEYS | {spec["key"] for spec in definition or () if spec["kind"] == "passport"}


def details_form_for(version, data=None, prefix="details"):
    """The form of a category's own fields at ``version`` (its latest), or None when it has none."""
    if version is None or not version.fields:
        return None
    return details_form_class(version.fields)(data=data, prefix=prefix)


def details_clean(*, version, data: dict | None) -> dict:
    """Validate raw details against a category's form ``version`` and return what to store (JSON-safe, sensitive
    values encrypted). No version, or one without fields: nothing is stored.

    Raises ``DomainError`` whose message is a dict of field errors keyed ``details.<field>``.
    """
    data = data or {}
    if version is None or not version.fields:
        return {}
    if not isinstance(data, dict):
        raise DomainError(_("类别专属信息应为对象。"), field="details")
    # A posted form carries text; JSON clients may send numbers. Lists and objects are never a field value.
    nested = [key for key, value in data.items() if isinstance(value, list | dict)]
    if nested:
        raise DetailsInvalid({key: [_("应为文字、数字或日期，不能是列表或对象。")] for key in nested})
    data = {key: "" if value is None else str(value) for key, value in data.items()}
    form = details_form_class(version.fields)(data=data)
    if not form.is_valid():
        raise DetailsInvalid(form.errors)
    secret = sensitive_keys(version.fields)
    stored = {}
    for key, value in form.cleaned_data.items():
        if isinstance(value, dt.date):
            value = value.isoformat()
        if key in secret and value:
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
    """Details as ``user`` may see them: sensitive values in clear only for the assigned officer.

    Sensitive is every value stored encrypted (a passport field's, whatever the form has become since), so no
    form version need be read to show a list of requests.
    """
    can_see = user.is_authenticated and service_request.assignee_id == user.pk
    shown = {}
    for key, value in (service_request.details or {}).items():
        if isinstance(value, str) and value.startswith(crypto.PREFIX):
            clear = crypto.decrypt(value)
            value = clear if can_see else crypto.mask(clear)
        shown[key] = value
    return shown


def details_rotate_encryption(*, batch_size: int = 500) -> int:
    """Re-encrypt every detail stored encrypted (a passport field's, under any key) with the current key (``crypto.rotate``); returns how many requests changed.

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
                    key: crypto.rotate(value) if isinstance(value, str) and value.startswith(crypto.PREFIX) else value
                    for key, value in details.items()
                }
                if rotated != details:
                    ServiceRequest.objects.filter(pk=pk).update(details=rotated)
                    changed += 1
        if len(rows) < batch_size:
            return changed
        last_pk = rows[-1][0]


def details_labels(service_request) -> dict:
    """The Chinese names of a request's details: those of the form version it was submitted with."""
    version = service_request.form_version
    return {key: gettext(label) for key, label in version.labels().items()} if version is not None else {}
