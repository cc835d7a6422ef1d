"""Login lockout (django-axes) for every login form: admin, portal and the API token endpoint.

Two counts over the last 15 minutes (``AXES_COOLOFF_TIME``), both kept by axes
(``AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]``):

- per client address, across usernames: ``LOGIN_ADDRESS_FAILURE_LIMIT`` (20) failures lock the address —
  password spraying (many usernames, few passwords each) stops there;
- per account *at one address*: ``AXES_FAILURE_LIMIT`` (5) failures lock that username from that address
  only, so an attacker elsewhere cannot lock the real user out by failing on their username.

The address is the one the trusted proxies give (``DJANGO_API_NUM_PROXIES``, read by django-ipware through
the ``AXES_IPWARE_*`` settings), so a client cannot pick its own with X-Forwarded-For.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils.translation import gettext_lazy


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, skipped only when there is no HTTP request at all.

    Every login that comes over HTTP (admin, portal, ``/api/v1/auth/token/``) passes its request
    and is counted; ``authenticate()`` called from code without a request (the test client's
    ``login``, shell scripts) has no client to lock out, so axes' check does not apply.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for the address count, and a success that forgives
    only the account's own failures at that address.

    Axes compares one number, the highest of its counts, with one limit (``AXES_FAILURE_LIMIT``). Here the
    address count is put on the account's scale first — ``address_failures * AXES_FAILURE_LIMIT //
    LOGIN_ADDRESS_FAILURE_LIMIT`` reaches ``AXES_FAILURE_LIMIT`` exactly when the address count reaches its
    own limit — so axes' comparison locks at either limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        by_address, by_account = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        return max(by_account, by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """On a successful login, forget this account's failures at this address — not the address's others,
        or one valid account would let an attacker reset the address count at will."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count


LOCKED_MESSAGE = gettext_lazy("登录失败次数过多，已暂时禁止从此处登录，请 15 分钟后再试或联系管理员。")


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """A clear Chinese page in the product's style (templates/locked.html) instead of axes' bare one; JSON for the API."""
    from django.http import JsonResponse
    from django.template.response import TemplateResponse

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(LOCKED_MESSAGE)}, status=429)
    return TemplateResponse(request, "locked.html", {"message": LOCKED_MESSAGE}, status=429).render()
