"""``Authorization: Token <key>``: knox's hashed, expiring tokens (``crm.api_tokens``)."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    """knox's authentication, looking only at the token it is shown.

    knox also sweeps the user's other expired tokens on every request (one more query per call); here an
    expired token is deleted when it is shown, and the others when the user next logs in
    (``api_token_issue``). An expired or revoked token, or an inactive user's, is a 401.
    """

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class ExpiringTokenScheme(OpenApiAuthenticationExtension):
    """In the schema: ``Authorization: Token <key>`` (registered when this module is imported with the settings)."""

    target_class = "crm.api.authentication.ExpiringTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")  # noqa: S106 — the scheme word
