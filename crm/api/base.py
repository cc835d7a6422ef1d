"""What every API view shares: ids in URLs, and no NUL bytes in query parameters."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from .permissions import ReadsArea

# The largest id a URL may carry: 18 digits fit a 64-bit integer column, so a longer number never
# reaches the database (where it would overflow) — the URL simply does not match, a 404.
ID_REGEX = "[0-9]{1,18}"


class IdConverter:
    regex = ID_REGEX

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


def reject_nul_bytes(query_params) -> None:
    """A NUL byte in a query parameter is a 400: PostgreSQL refuses it in any text it is sent."""
    for key, values in query_params.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            name = key.replace("\x00", "") or "query"
            raise ValidationError({name: [_("参数中不能包含空字符（NUL）。")]})


class ApiViewMixin:
    """Mixed into every API view, ahead of the DRF view class.

    Views scope their rows in ``scoped_queryset()`` (by the user, by the URL); ``model`` names the
    rows for the schema generator, which has neither a user nor URL arguments. ``work_area`` (a
    ``crm.roles.Area``) says who may call the view at all: ``ReadsArea`` checks it before the view's own
    permission classes, and refuses every caller of a view that does not name one.
    """

    model = None
    work_area = None

    def get_permissions(self):
        return [ReadsArea(), *super().get_permissions()]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) and self.model is not None:
            return self.model.objects.none()
        if hasattr(self, "scoped_queryset"):
            return self.scoped_queryset()
        return super().get_queryset()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        reject_nul_bytes(request.query_params)

    def validated(self) -> dict:
        """The request body checked by the view's serializer: its validated data, or a 400 with the errors."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data
