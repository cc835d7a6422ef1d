"""The park's identity as the screens, e-mails and messages read it (``SiteProfile``), and the site's own address.

``site_profile(request)`` reads the one row at most once per request (templates get it from the
``site_profile`` context processor, lazily: a page that never names the park asks nothing); outside a request
(the reminder sweep, a robot message, the calendar feed) each call reads it once. ``site_profile_update`` is the one
door for a change; ``logo_check`` is what an uploaded logo must pass.

``site_url()`` starts every absolute link a notification writes: ``DJANGO_SITE_URL`` when set, else the profile's
网站地址, else the address the browser used — the current request's (``SiteUrlMiddleware``), which the first signed-in
visit to the admin also records as the profile's 网站地址 so the worker's e-mails use it — and only as a last resort
``make run``'s http://127.0.0.1:8000.
"""

import contextvars
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from crm.models import SiteProfile
from crm.models.site import SITE_PROFILE_ID

DEFAULT_NAME = "紫金港科技城"
DEFAULT_SHORT_NAME = "紫金港"
DEFAULT_ORGANIZATION = "杭州紫金港科技城管委会"
LAST_RESORT_SITE_URL = "http://127.0.0.1:8000"
LOGO_MAX_BYTES = 256 * 1024
# What a logo may be: a raster image recognised by its first bytes (never SVG: it may carry script).
LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def _default() -> SiteProfile:
    """The profile as the migration creates it: a database without the row (a test flushed it) still names the park."""
    return SiteProfile(
        pk=SITE_PROFILE_ID, name=DEFAULT_NAME, short_name=DEFAULT_SHORT_NAME, organization=DEFAULT_ORGANIZATION
    )


def _load() -> SiteProfile:
    """The row, or the default when there is none — or when the database cannot give it (not migrated yet, or
    down) and no transaction would be spoiled by the failed query: the page, a 404 or the login page, still renders
    naming the park, and /readyz says what is wrong."""
    try:
        return SiteProfile.objects.defer("logo").filter(pk=SITE_PROFILE_ID).first() or _default()
    except DatabaseError:
        if transaction.get_connection().in_atomic_block:
            raise
        return _default()


def site_profile(request=None) -> SiteProfile:
    """The site profile; within a request read once (kept on the request)."""
    if request is None:
        return _load()
    profile = getattr(request, "_site_profile", None)
    if profile is None:
        profile = request._site_profile = _load()
    return profile


def site_profile_context(request):
    """Context processor: ``site_profile`` in every template, read only if a template uses it."""
    return {"site_profile": SimpleLazyObject(lambda: site_profile(request))}


def logo_check(content: bytes) -> str:
    """The content type of an acceptable logo, or ``ValidationError`` in Chinese."""
    if len(content) > LOGO_MAX_BYTES:
        raise ValidationError(_("标志图片不能超过 %(kb)s KB。") % {"kb": LOGO_MAX_BYTES // 1024})
    for signature, content_type in LOGO_SIGNATURES.items():
        if content.startswith(signature):
            return content_type
    raise ValidationError(_("标志须为 PNG 或 JPEG 图片。"))


@transaction.atomic
def site_profile_update(*, actor, logo: bytes | None = None, remove_logo: bool = False, **fields) -> SiteProfile:
    """Change the park's identity (administrators only: the admin is the door). ``logo`` bytes are checked by
    ``logo_check``; ``remove_logo`` drops it."""
    from crm.errors import DomainError

    if not actor.is_superuser:
        raise DomainError(_("仅限系统管理员修改站点信息。"), code=DomainError.FORBIDDEN)
    profile = SiteProfile.objects.select_for_update().filter(pk=SITE_PROFILE_ID).first() or _default()
    for name, value in fields.items():
        setattr(profile, name, value)
    if logo is not None:
        try:
            profile.logo_type = logo_check(logo)
        except ValidationError as error:
            raise DomainError(error.messages[0], field="logo") from None
        profile.logo = logo
    elif remove_logo:
        profile.logo, profile.logo_type = b"", ""
    try:
        profile.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    profile.save()
    site_url_forget()
    return profile


# ---- the site's own address ------------------------------------------------------------------------

_request_site_url: contextvars.ContextVar[str] = contextvars.ContextVar("request_site_url", default="")
_SITE_URL_TTL = 60  # seconds a process keeps the profile's 网站地址 before reading it again
_stored_site_url: tuple[str, float] | None = None


def _profile_site_url() -> str:
    global _stored_site_url
    now = time.monotonic()
    if _stored_site_url is None or _stored_site_url[1] < now:
        stored = SiteProfile.objects.filter(pk=SITE_PROFILE_ID).values_list("site_url", flat=True).first() or ""
        _stored_site_url = (stored, now + _SITE_URL_TTL)
    return _stored_site_url[0]


def site_url_forget() -> None:
    """The next ``site_url()`` reads the profile again (after a change)."""
    global _stored_site_url
    _stored_site_url = None


def site_url() -> str:
    """What every absolute link starts with, without a trailing slash."""
    configured = settings.REMINDERS_SITE_URL or _profile_site_url() or _request_site_url.get()
    return (configured or LAST_RESORT_SITE_URL).rstrip("/")


def _remember_site_url(request) -> None:
    """After a sign-in to the admin: the address the browser used becomes the profile's 网站地址 if it has none."""
    if settings.REMINDERS_SITE_URL or not request.user.is_authenticated or not request.user.is_staff:
        return
    address = request.build_absolute_uri("/").rstrip("/")
    if SiteProfile.objects.filter(pk=SITE_PROFILE_ID, site_url="").update(site_url=address):
        site_url_forget()


class SiteUrlMiddleware:
    """The address this request came in by, for the links the request's notifications write; a successful sign-in
    to the admin records it as the profile's 网站地址 when neither it nor ``DJANGO_SITE_URL`` is set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_site_url.set(request.build_absolute_uri("/").rstrip("/"))
        try:
            response = self.get_response(request)
        finally:
            _request_site_url.reset(token)
        if request.method == "POST" and request.path == reverse("admin:login") and response.status_code == 302:
            _remember_site_url(request)
        return response
