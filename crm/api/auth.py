"""``POST /api/v1/auth/token/``: trade a username and password for an API token.

The Django ``HttpRequest`` (not DRF's wrapper) goes to ``authenticate()`` so that django-axes sees
the attempt: a failure counts against the account, and a locked account is refused with 429 even
with the right password, whatever X-Forwarded-For says (lockout is per username).
"""

from django.contrib.auth import authenticate, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from crm.auth_backends import lockout_response

from .base import ApiViewMixin


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


@extend_schema(tags=["auth"], auth=[])
class TokenObtainView(ApiViewMixin, GenericAPIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer

    @extend_schema(
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("用户名或密码不正确。")),
            429: OpenApiResponse(description=_("登录失败次数过多，账号已暂时锁定；或请求过于频繁。")),
        }
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        http_request = request._request
        user = authenticate(
            request=http_request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if getattr(http_request, "axes_locked_out", False):
            return lockout_response(http_request)
        if user is None or not user.is_active:
            raise serializers.ValidationError({"non_field_errors": [_("用户名或密码不正确。")]})
        token, _created = Token.objects.get_or_create(user=user)
        # A successful login like any other: axes clears the account's failures, last_login is updated.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        return Response({"token": token.key})
