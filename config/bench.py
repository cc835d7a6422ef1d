"""The ceiling of the stack for the scale-out test (``.ci/scale-out``): a constant JSON through the same gunicorn,
Django and middleware, with no database and no template. Routed only when ``DJANGO_BENCH_CEILING_VIEW=true``
(``config.urls``), never in production's URLconf by default."""

from django.http import JsonResponse
from django.views.decorators.http import require_safe

CEILING = {"ok": True}


@require_safe
def ceiling(request):
    return JsonResponse(CEILING)
