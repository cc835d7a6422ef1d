"""类别表单: a service category's own fields, designed in the admin and published as versions.

The ``CategoryField`` rows of a category are the form being edited; ``category_form_publish`` freezes them into a
new ``CategoryFormVersion`` when they differ from the latest one (the admin calls it after every save of a
category). The latest version is the form: the portal renders it, the API validates with it and the schema
describes it (``crm.service_requests.details``). A request stores the version it was submitted with and is shown
with that version's labels.
"""

from django.db import transaction
from django.utils import timezone

from crm.models import CategoryField, CategoryFormVersion, ServiceCategory


def field_definition(field: CategoryField) -> dict:
    """One field as a version freezes it (JSON): what the form class needs, nothing more."""
    return {
        "key": field.key,
        "label": field.label,
        "kind": field.kind,
        "required": field.required,
        "help_text": field.help_text,
        "options": field.option_list() if field.kind == CategoryField.Kind.CHOICE else [],
        "max_length": field.max_length,
        "min_value": field.min_value,
        "max_value": field.max_value,
        "not_before_today": field.not_before_today,
    }


def category_form_current(category: ServiceCategory) -> CategoryFormVersion | None:
    """The category's latest published form, or ``None`` when it never had one."""
    return CategoryFormVersion.objects.filter(category=category).order_by("-number").first()


def category_forms_current(categories) -> dict[int, CategoryFormVersion]:
    """The latest version of each of ``categories`` by category id, in one query."""
    current = {}
    rows = CategoryFormVersion.objects.filter(category__in=categories).order_by("category_id", "-number")
    for version in rows:
        current.setdefault(version.category_id, version)
    return current


@transaction.atomic
def category_form_publish(*, category: ServiceCategory, actor=None, at=None) -> CategoryFormVersion | None:
    """发布: freeze the category's fields as its next version when they differ from the latest one.

    Returns the latest version afterwards (``None`` for a category that never had a field). Publishing the same
    fields twice writes nothing: a request keeps pointing at the version it was submitted with.
    """
    ServiceCategory.objects.select_for_update().filter(pk=category.pk).first()
    definition = [field_definition(f) for f in CategoryField.objects.filter(category=category).order_by("order", "id")]
    latest = category_form_current(category)
    if latest is not None and latest.fields == definition:
        return latest
    if latest is None and not definition:
        return None
    return CategoryFormVersion.objects.create(
        category=category, number=(latest.number + 1) if latest else 1, fields=definition,
        created_at=at or timezone.now(), created_by=actor,
    )
