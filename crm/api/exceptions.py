"""The one place where a domain error becomes an HTTP answer (registered as DRF's EXCEPTION_HANDLER).

``DomainError`` codes: ``illegal_transition`` → 409 ``{"detail": message}``, ``forbidden`` → 403,
``invalid`` → 400 with field errors (``error.as_dict()``). A missing row is a 404 and a Django
``ValidationError`` a 400, so nothing a client sends becomes a 500.

``page_not_found`` (``handler404``) answers a URL under /api/ that matches no route — e.g. an id of 19 digits,
which ``IdConverter`` does not match — with the same JSON ``{"detail": "未找到。"}`` as a missing row, not
Django's HTML page; every other URL keeps Django's page.
"""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from crm.errors import DomainError


class Conflict(exceptions.APIException):
    """The object's state does not allow what was asked (e.g. accepting a closed request)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = _("当前状态不允许此操作。")
    default_code = DomainError.ILLEGAL_TRANSITION


def as_api_exception(error: DomainError) -> exceptions.APIException:
    if error.code == DomainError.ILLEGAL_TRANSITION:
        return Conflict(detail=str(error.message))
    if error.code == DomainError.FORBIDDEN:
        return exceptions.PermissionDenied(detail=str(error.message))
    return exceptions.ValidationError(detail=error.as_dict())


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        exc = as_api_exception(exc)
    elif isinstance(exc, ObjectDoesNotExist | Http404):
        # One plain "未找到。" whatever was missing: the message never names a model or says whose it is.
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    return drf_exception_handler(exc, context)


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=status.HTTP_404_NOT_FOUND)
    return defaults.page_not_found(request, exception)
