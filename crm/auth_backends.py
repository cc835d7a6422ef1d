"""Login lockout (django-axes) for every login form: admin, portal and the API token endpoint."""

from axes.backends import AxesStandaloneBackend


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


def lockout_response(request, response=None, credentials=None, *args, **kwargs):
    """A clear Chinese message instead of axes' bare page; JSON for the API."""
    from django.http import HttpResponse, JsonResponse

    message = "登录失败次数过多，该账号已被暂时锁定，请 15 分钟后再试或联系管理员。"
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
