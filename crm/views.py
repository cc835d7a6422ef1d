"""Views shared by the admin and the portal."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from crm.models import CapitalArrival, EnterpriseFigure, ServiceRequestAttachment, SiteProfile
from crm.models.site import SITE_PROFILE_ID
from crm.pipeline.calendar import calendar_feed_user, calendar_ical
from crm.roles import Area, may_read
from crm.service_requests.attachments import sniff_content_type
from crm.service_requests.selectors import attachments_visible_to


@require_safe
def attachment_download(request, pk):
    """附件下载: a file of a request the user may see, as a download; anyone else's is a 404.

    Files live under MEDIA_ROOT, outside the web root; this view is the only way to them. The stored
    content type is the one detected from the content at upload, and ``nosniff`` stops a browser
    from second-guessing it. A role that may not read service requests (``crm.roles.WHO_READS``: investment
    officers) gets 403 for every attachment, as it does in the admin and over the API.
    """
    if not request.user.is_authenticated:
        # Enterprise users are the ones who follow links without a session; staff find the admin from there.
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    if not may_read(request.user, Area.REQUESTS):
        raise PermissionDenied
    attachment = get_object_or_404(attachments_visible_to(ServiceRequestAttachment.objects.all(), request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def figure_evidence_download(request, pk):
    """企业年度指标的佐证材料: the evidence file of a figure the user may see (staff: any; an enterprise user: its own
    enterprises'), as a download; anyone else's is a 404. Served as the type its content is, never sniffed."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("portal:login"))
    if not may_read(request.user, Area.FIGURES):
        raise PermissionDenied
    figure = get_object_or_404(EnterpriseFigure.objects.visible_to(request.user).exclude(evidence=""), pk=pk)
    return evidence_response(figure.evidence, figure.evidence_name)


def evidence_response(evidence, name: str) -> FileResponse:
    """An evidence file as a download, served as the type its content is (never sniffed by the browser); 404 when
    the file is gone from storage."""
    try:
        handle = evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    content_type = sniff_content_type(handle.read(8192)) or "application/octet-stream"
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=name or "evidence", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def capital_evidence_download(request, pk):
    """到资凭证 (银行进账单 / 验资报告) of an arrival, as a download for staff who read the pipeline (investment officers,
    their lead, managers: ``Area.PIPELINE``); an enterprise user or another role gets 403, an unknown one 404. Served
    as the type its content is, never sniffed by the browser."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    if not request.user.is_staff or not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied
    arrival = get_object_or_404(CapitalArrival.objects.exclude(evidence=""), pk=pk)
    return evidence_response(arrival.evidence, arrival.evidence_name)


@require_safe
def calendar_feed(request, token):
    """日历订阅: a user's iCal feed at a secret URL, without login (a phone's or Outlook's calendar cannot log in).

    The token is the credential: an unknown or renewed (revoked) one, or an inactive user's, is a 404. The entries
    are ``crm.pipeline.calendar``'s, which follow the read table (a service officer's feed holds no project).
    """
    user = calendar_feed_user(token)
    if user is None:
        raise Http404
    body = calendar_ical(user=user, today=timezone.localdate(), absolute=request.build_absolute_uri)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="zijin.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_safe
def site_logo(request):
    """The park's logo (``SiteProfile.logo``: a PNG or JPEG checked at upload), for every page's header; anyone may
    fetch it (the sign-in pages show it). Served as the image type it was recognised as, never sniffed, never run."""
    row = SiteProfile.objects.filter(pk=SITE_PROFILE_ID).values("logo", "logo_type", "updated_at").first()
    if not row or not row["logo_type"]:
        raise Http404
    response = HttpResponse(bytes(row["logo"]), content_type=row["logo_type"])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=300"
    return response
