"""Enumeration: an enterprise user learns nothing from a filter's answer about objects it may not see.

Driven from the filter sets: every list endpoint an enterprise user may read (its area in ``crm.roles.WHO_READS``)
and every filter of its ``filterset_class`` that takes an object — a model choice, or a number naming a row —
is asked with the ids of objects hidden from the user (staff and other people, other enterprises, draft
policies, inactive categories), an id that exists nowhere and, for a model choice, a malformed one. All answer
the same status and the same body (the value itself, where an error message repeats it, aside). A filter that
takes a fixed choice or a yes/no publishes its values in the schema and names no object; it is skipped by kind.
A filter of a model this test does not know how to hide fails here until ``HIDDEN`` names it.
"""

import django_filters
import pytest
from django.urls import resolve

from crm.models import Enterprise, Role, ServiceCategory, User
from crm.roles import may_read
from parks.models import Policy
from tests.api.support import api_client
from tests.factories import PolicyFactory, ServiceCategoryFactory
from tests.security.test_least_privilege_schema import OPERATIONS

pytestmark = pytest.mark.django_db

NOWHERE = "999999"

# For each model a filter may name: the rows the enterprise user ``user`` may not see.
HIDDEN = {
    User: lambda user: User.objects.exclude(pk=user.pk),
    Enterprise: lambda user: Enterprise.objects.exclude(pk__in=Enterprise.objects.visible_to(user)),
    Policy: lambda user: Policy.objects.filter(is_published=False),
    ServiceCategory: lambda user: ServiceCategory.objects.filter(is_active=False),
}


def _target_model(filterset_class, flt):
    """The model whose rows the filter's values name, or ``None`` for a choice or yes/no filter."""
    if isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
        return _model_at(filterset_class._meta.model, flt.field_name)
    if isinstance(flt, django_filters.NumberFilter) and (flt.field_name or "").endswith("_id"):
        return _model_at(filterset_class._meta.model, flt.field_name.removesuffix("_id"))
    return None


def _model_at(model, path):
    for name in path.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _filtered_lists(user):
    """(path, filterset class) of every list endpoint ``user`` may read that has a filter set."""
    found = []
    for path, method in OPERATIONS:
        if method != "get" or "{" in path:
            continue
        view_class = resolve(path).func.cls
        filterset_class = getattr(view_class, "filterset_class", None)
        if filterset_class is not None and may_read(user, view_class.work_area):
            found.append((path, filterset_class))
    return found


def _value(obj, flt):
    return str(getattr(obj, flt.extra.get("to_field_name") or "pk"))


def _answer(client, path, name, value):
    response = client.get(path, {name: value})
    body = response.content.decode()
    # An error message may repeat the value it refuses; the same message for every value is what matters.
    return response.status_code, body.replace(value, "<value>") if response.status_code >= 400 else body


@pytest.fixture
def hidden_world(alice, bob, qian, zhou, boss, alice_request, bob_request):
    PolicyFactory(is_published=False)
    ServiceCategoryFactory(code="housing", name="人才房", is_active=False)


def test_the_enterprise_user_reaches_the_filtered_lists_this_test_walks(alice):
    assert {path for path, _ in _filtered_lists(alice)} >= {
        "/api/v1/service-requests/", "/api/v1/notifications/", "/api/v1/grants/", "/api/v1/clauses/"
    }


def test_no_filter_tells_an_enterprise_user_which_ids_exist_or_are_staff(alice, hidden_world):
    client = api_client(alice)
    failures, probed = [], 0
    for path, filterset_class in _filtered_lists(alice):
        for name, flt in filterset_class.base_filters.items():
            model = _target_model(filterset_class, flt)
            if model is None:
                continue
            if model not in HIDDEN:
                failures.append(f"{path}?{name}=: no HIDDEN rows for {model.__name__} — add them to this test")
                continue
            values = [_value(obj, flt) for obj in HIDDEN[model](alice)] + [NOWHERE]
            if isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                values.append("abc")
            answers = {value: _answer(client, path, name, value) for value in values}
            probed += len(values)
            if len(set(answers.values())) != 1:
                failures.append(f"{path}?{name}=: " + "; ".join(f"{v} → {a[0]}" for v, a in answers.items()))
    assert failures == []
    assert probed > 10  # the walk asked something: assignee alone has five hidden users


def test_assignee_answers_the_same_for_a_staff_id_another_id_no_id_and_nonsense(alice, bob, zhou, alice_request):
    client = api_client(alice)

    answers = [_answer(client, "/api/v1/service-requests/", "assignee", value)
               for value in (str(zhou.pk), str(bob.pk), NOWHERE, "abc")]

    assert answers == [answers[0]] * 4
    assert answers[0][0] == 200
    assert client.get("/api/v1/service-requests/").content == client.get(
        "/api/v1/service-requests/", {"assignee": zhou.pk}).content


def test_staff_still_filter_by_assignee(zhou, alice_request, bob_request):
    from crm.service_requests.services import service_request_assign

    service_request_assign(service_request=alice_request, assignee=zhou, actor=zhou)
    client = api_client(zhou)

    rows = client.get("/api/v1/service-requests/", {"assignee": zhou.pk}).json()["results"]

    assert [row["id"] for row in rows] == [alice_request.pk]
    assert client.get("/api/v1/service-requests/", {"assignee": NOWHERE}).status_code == 400


def test_the_roles_this_test_speaks_for():
    # An enterprise user is the only role whose filters hide rows from it; staff read every row of their areas.
    assert Role.ENTERPRISE == "enterprise"
