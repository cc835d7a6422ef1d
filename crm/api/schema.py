"""The OpenAPI schema says what the API really answers (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``).

drf-spectacular describes the successful answers from the serializers; ``ApiAutoSchema`` adds, once for
every operation, the error answers the view can give, read from the view itself:

- 400 ``ValidationError``: the operation takes a body or query parameters (field errors, ``{"detail"}`` for
  a body that cannot be parsed);
- 401 ``Error``: the view authenticates (a missing or bad token), with ``WWW-Authenticate``;
- 403 ``Error``: one of the view's permission classes refuses one of the roles (found by asking each class
  about a user of each role, so a new or changed permission class is described without anyone listing it;
  its message and docstring make the description), or the operation writes (the services check roles too);
- 404 ``Error``: the path names an object, or the list is paginated (a page past the end);
- 409 ``Error``: the view declares it (a state transition the object's state does not allow);
- 429 ``Error``: the view is throttled (and the token endpoint's lockout), with ``Retry-After``.

The bodies are those of ``crm.api.exceptions.exception_handler``: ``{"detail": "…"}``, or field errors
for a 400. It also keeps the enums of read-only model fields whole: DRF drops ``allow_blank`` from
read-only fields and maps non-editable ones without their choices, so the schema would refuse the ``""``
(or miss the enum) the API really sends — e.g. a request's first history row has ``from_status: ""``.
"""

from types import SimpleNamespace

from django import forms
from django.db import DatabaseError, models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, build_choice_field, follow_field_source
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS, BasePermission

from crm.models import Role, ServiceCategory, User
from crm.service_requests.category_forms import category_forms_current
from crm.service_requests.details import PassportField, details_form_class


class ErrorSerializer(serializers.Serializer):
    """Every error but a 400's field errors: one message in Chinese (``crm.api.exceptions``)."""

    detail = serializers.CharField(help_text=_("错误说明。"))


FIELD_ERRORS = {"type": "array", "items": {"type": "string"}}
VALIDATION_ERROR = {
    "type": "object",
    "description": str(
        _(
            "输入有误：按字段给出错误，键为字段名，值为错误说明列表；类别专属信息（details）、列表或字典字段的错误"
            "再按其中的键分组；与单个字段无关的错误在 non_field_errors；无法解析的请求体为 {\"detail\": …}。"
        )
    ),
    "properties": {
        "detail": {"type": "string", "description": str(_("请求体无法解析等整体错误。"))},
        "non_field_errors": FIELD_ERRORS,
    },
    "additionalProperties": {
        "oneOf": [FIELD_ERRORS, {"type": "object", "additionalProperties": FIELD_ERRORS}],
    },
}

# Users of each role, never saved, that the permission classes are asked about (``User.has_role`` reads
# ``_role_names`` before the database).
PROBE_ROLES = (Role.ENTERPRISE, *Role.STAFF_ROLES, Role.DEPARTMENT_LIAISON, Role.SERVICE_LEAD)


def _probe(role: str) -> User:
    user = User(username=f"schema-probe-{role}", is_active=True, is_staff=role != Role.ENTERPRISE)
    user._role_names = {role}
    return user


def _may_refuse(permission: BasePermission, method: str, view) -> bool:
    """Whether ``permission`` refuses a signed-in user of some role: asked, not guessed."""
    if type(permission).has_object_permission is not BasePermission.has_object_permission:
        return True
    for role in PROBE_ROLES:
        request = SimpleNamespace(method=method, user=_probe(role), auth=None, query_params={}, data={})
        try:
            if not permission.has_permission(request, view):
                return True
        except Exception:  # a class that needs more than a user and a method may refuse
            return True
    return False


def _summary(permission: BasePermission) -> str:
    doc = (type(permission).__doc__ or "").strip().splitlines()
    message = str(getattr(permission, "message", "") or "")
    parts = [part for part in (doc[0] if doc else "", f"“{message}”" if message else "") if part]
    return " — ".join(parts)


class ApiAutoSchema(AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code, (component, description, headers) in self._error_answers(operation).items():
            given = responses.get(code, {})
            keep_description = code in {"400", "404", "409"} and given.get("description")
            answer = {
                "description": given["description"] if keep_description else description,
                "content": given.get("content") or {"application/json": {"schema": component}},
            }
            if headers:
                answer["headers"] = headers
            responses[code] = answer
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    # -- the error answers --------------------------------------------------------------------------------

    def _component(self, name, schema):
        component = ResolvedComponent(name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema)
        self.registry.register_on_missing(component)
        return component.ref

    def _error_answers(self, operation) -> dict:
        error = self.resolve_serializer(ErrorSerializer, "response").ref
        answers = {}
        parameters = operation.get("parameters", [])
        in_query = {p["name"] for p in parameters if p["in"] == "query"}
        in_path = [p for p in parameters if p["in"] == "path"]
        writes = self.method not in SAFE_METHODS

        declared = set(operation.get("responses", {}))

        if "requestBody" in operation or in_query or "400" in declared:
            answers["400"] = (self._component("ValidationError", VALIDATION_ERROR), str(_("输入有误：按字段给出错误。")), {})
        authenticates = bool(self.view.get_authenticators())
        if authenticates:
            answers["401"] = (
                error,
                str(_("未登录，或令牌无效、已过期：请在 Authorization 头中提供 “Token <令牌>”。")),
                {"WWW-Authenticate": {"schema": {"type": "string"}, "description": str(_("认证方式，如 Token。"))}},
            )
        refusing = [p for p in self.view.get_permissions() if _may_refuse(p, self.method, self.view)]
        if refusing or (writes and authenticates) or "403" in declared:
            lines = [_summary(p) for p in refusing]
            if writes and authenticates:
                lines.append(str(_("业务规则按角色拒绝（如谁可以执行哪项流转、内部备注），见 crm.roles。")))
            answers["403"] = (error, str(_("当前角色无权执行此操作：")) + "\n\n" + "\n".join(f"- {line}" for line in lines), {})
        if in_path or "page" in in_query or "404" in declared:
            answers["404"] = (error, str(_("不存在，或不属于当前用户可见的范围（列表：页码超出范围）。")), {})
        if "409" in declared:
            answers["409"] = (error, str(_("当前状态不允许此操作（非法流转），未做任何修改。")), {})
        if self.view.get_throttles() or "429" in declared:
            answers["429"] = (
                error,
                str(_("请求过于频繁（或登录失败次数过多，账号暂时锁定），请稍后再试。")),
                {"Retry-After": {"schema": {"type": "integer"}, "description": str(_("建议等待的秒数。"))}},
            )
        return answers

    # -- whole enums for read-only model fields ---------------------------------------------------------

    def _map_model_field(self, model_field, direction):
        if model_field.choices:
            schema = build_choice_field(_choice_field(model_field))
            return {**schema, "nullable": True} if model_field.null else schema
        return super()._map_model_field(model_field, direction)

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if field.read_only and isinstance(schema, dict) and "$ref" not in schema and "allOf" not in schema:
            model_field = _model_field_of(field)
            if model_field is not None and model_field.choices:
                whole = build_choice_field(_choice_field(model_field))
                schema["enum"] = whole["enum"]
                schema.setdefault("description", whole.get("description", ""))
                if model_field.null:
                    schema["nullable"] = True
        return schema


def _allows_blank(model_field) -> bool:
    return bool(model_field.blank and isinstance(model_field, models.CharField | models.TextField))


def _choice_field(model_field) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=model_field.choices, allow_blank=_allows_blank(model_field), allow_null=model_field.null
    )


def _model_field_of(field):
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source_attrs:
        return None
    try:
        target = follow_field_source(model, field.source_attrs)
    except Exception:  # not a model field: nothing to add
        return None
    return target if isinstance(target, models.Field) else None


# -- the category fields (details) ----------------------------------------------------------------------


def _detail_property(name: str, owners: dict) -> dict:
    """One category field as its form checks it: type, length, bounds; which categories ask for it.

    ``owners``: the form field of that name in each category's current form, by category code. The admin keeps a
    key's type the same in every category (``CategoryField.clean``); should two differ all the same, the key is
    described without a type rather than wrongly.
    """
    kinds = {type(field) for field in owners.values()}
    field = next(iter(owners.values()))
    required = sorted(code for code, f in owners.items() if f.required)
    optional = sorted(code for code, f in owners.items() if not f.required)
    words = [str(field.label) + "。", str(field.help_text or "")]
    if required:
        words.append(str(_("必填的类别：%(codes)s。")) % {"codes": "、".join(required)})
    if optional:
        words.append(str(_("选填的类别：%(codes)s。")) % {"codes": "、".join(optional)})
    if isinstance(field, PassportField):
        words.append(str(_("加密保存；仅经办人看到完整值，其他人看到打码值（如 E1*****78）。")))
    optional_somewhere = bool(optional)
    if len(kinds) != 1:
        schema = {}
    elif isinstance(field, forms.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, forms.IntegerField):
        schema = {"type": "integer"}
        lows = [f.min_value for f in owners.values()]
        highs = [f.max_value for f in owners.values()]
        if None not in lows:
            schema["minimum"] = min(lows)
        if None not in highs:
            schema["maximum"] = max(highs)
        words.append(str(_("（也接受数字文字，如 \"3\"。）")))
    elif isinstance(field, forms.ChoiceField):
        options = list(dict.fromkeys(value for f in owners.values() for value, _label in f.choices if value))
        schema = {"type": "string", "enum": options + ([""] if optional else [])}
        optional_somewhere = False  # an optional choice is "", never null
    elif isinstance(field, forms.CharField):
        schema = {"type": "string"}
        longest = max(f.max_length for f in owners.values())
        schema.update({k: v for k, v in (("maxLength", longest), ("minLength", field.min_length)) if v})
        optional_somewhere = False  # an optional text is "", never null
    else:
        schema = {}
    if optional_somewhere:
        schema["nullable"] = True
    return {**schema, "description": "".join(words)}


def details_schema() -> dict:
    """The details object as the categories' current forms define it, read from the database at each generation.

    Inline, not a component: schemathesis cannot generate bodies whose nested objects are $ref'd.
    """
    try:
        categories = list(ServiceCategory.objects.order_by("sort_order", "code"))
        versions = category_forms_current(categories)
    except (DatabaseError, RuntimeError):
        # Generated without a database (``manage.py spectacular`` before ``migrate``, a test collecting the
        # operations, where pytest-django raises RuntimeError): the paths are right, the fields unknown.
        return {"type": "object", "description": str(_("类别专属信息（details）：字段由请求的服务类别的表单决定。"))}
    forms_by_code = {
        c.code: details_form_class(versions[c.pk].fields).base_fields
        for c in categories if c.pk in versions and versions[c.pk].fields
    }
    names = list(dict.fromkeys(name for fields in forms_by_code.values() for name in fields))
    per_category = "；".join(
        f"{code}：" + "、".join(f"{n}{'' if f.required else str(_('（选填）'))}" for n, f in fields.items())
        for code, fields in forms_by_code.items()
    )
    description = str(
        _(
            "类别专属信息（details）：由请求的服务类别（category）决定哪些字段，服务器按该类别当前的表单校验"
            "（字段错误在 details 下按字段名给出）。%(per_category)s。其他类别没有专属字段，提交的内容被忽略，"
            "答复为空对象；不属于该类别的键也被忽略。类别的表单由管理员在后台设计；答复中的诉求按其提交时的表单版本保存取值。"
        )
    ) % {"per_category": per_category}
    properties = {n: _detail_property(n, {c: f[n] for c, f in forms_by_code.items() if n in f}) for n in names}
    return {"type": "object", "description": description, "properties": properties}


class DetailsFieldExtension(OpenApiSerializerFieldExtension):
    """``details`` in and out: described from the database when the schema is generated, not at start-up, so a
    field the administrator adds shows in the schema at once."""

    target_class = "crm.api.serializers.DetailsField"

    def map_serializer_field(self, auto_schema, direction):
        return details_schema()
