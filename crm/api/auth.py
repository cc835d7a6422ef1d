"""``POST /api/v1/auth/token/``: trade a username and password for an API token; ``POST /api/v1/auth/logout/``
revokes the token that calls it. Tokens are hashed and expire (``crm.api_tokens``).

The Django ``HttpRequest`` (not DRF's wrapper) goes to ``authenticate()`` so that django-axes sees
the attempt: a failure counts against the account, and a locked account is refused with 429 even
with the right password.
"""

from django.contrib.auth import authenticate, logout, user_logged_in, user_logged_out
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from crm.api_tokens import api_token_issue, api_token_revoke
from crm.auth_backends import lockout_response
from crm.roles import Area

from .base import ApiViewMixin


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1024, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, help_text=_("放在请求头中：Authorization: Token <token>。只显示这一次。"))
    expiry = serializers.DateTimeField(read_only=True, help_text=_("令牌的失效时间；之后需要重新登录获取。"))


@extend_schema(tags=["auth"], auth=[])
class TokenObtainView(ApiViewMixin, GenericAPIView):
    work_area = Area.SIGN_IN
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
        token, key = api_token_issue(user=user)
        # A successful login like any other: axes clears the account's failures, last_login is updated.
        user_logged_in.send(sender=type(user), request=http_request, user=user)
        return Response(TokenSerializer({"token": key, "expiry": token.expiry}).data)


@extend_schema(tags=["auth"])
class LogoutView(ApiViewMixin, GenericAPIView):
    """Revoke the token this call is made with (other tokens of the user stay valid until they expire).

    Called with a session instead, it ends the session.
    """

    work_area = Area.SIGN_IN
    permission_classes = [IsAuthenticated]
    serializer_class = None

    @extend_schema(
        request=None,
        responses={
            204: OpenApiResponse(description=_("令牌已作废，之后使用它的请求将返回 401。")),
            401: OpenApiResponse(description=_("未提供有效的令牌（已过期、已作废或不存在）。")),
        },
    )
    def post(self, request):
        user = request.user
        if isinstance(request.auth, AuthToken):
            api_token_revoke(token=request.auth)
            user_logged_out.send(sender=type(user), request=request._request, user=user)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)
