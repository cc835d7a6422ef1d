"""数据导入 in the admin (/admin/imports/): choose a kind, upload, see the preview, confirm.

The preview is the engine's check (``onboarding.engine.import_file(dry_run=True)``): the counts to create and to
update, every bad row with its number, column and message, the 撞单 warnings, and the first rows under their Chinese
column names. The uploaded file waits server-side between preview and confirm, under ``MEDIA_ROOT/onboarding/<user
id>/<random token>.<ext>`` — never served, one pending file per person (a new upload replaces it), named in the
person's session only, deleted once imported. Every view is wrapped by ``admin.site.admin_view`` (staff, signed in,
CSRF) and each kind is offered only to the roles that may change its data (``crm.roles.may``); the engine checks
the role again before reading.
"""

import re
import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crm.admin.excel import xlsx_response
from crm.errors import DomainError
from crm.roles import may

from .engine import import_file, template
from .specs import SPECS, spec_for

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # about 50,000 enterprise rows as .xlsx
SESSION_KEY = "onboarding_upload"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}")
XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip file


def kinds_for(user) -> list[tuple[str, str]]:
    return [(kind, str(spec.title)) for kind, spec in SPECS.items() if may(user, spec.work)]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("导入内容"))
    file = forms.FileField(label=_("文件"), help_text=_("按模板填写的 .xlsx（或 UTF-8 / GBK 编码的 .csv），不超过 10 MB。"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_for(user)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_t("文件超过 10 MB，请分成几个文件导入。"))
        if suffix not in (".xlsx", ".csv"):
            raise forms.ValidationError(_t("请上传 .xlsx 或 .csv 文件。"))
        head = upload.read(4)
        upload.seek(0)
        if suffix == ".xlsx" and head != XLSX_MAGIC:
            raise forms.ValidationError(_t("文件内容不是 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后再上传。"))
        if suffix == ".csv" and head.startswith(XLSX_MAGIC):
            raise forms.ValidationError(_t("文件内容是 Excel 工作簿，请以 .xlsx 为扩展名上传。"))
        return upload


def _folder(user) -> Path:
    return Path(settings.MEDIA_ROOT) / "onboarding" / str(user.pk)


def _pending(request):
    """The person's uploaded file waiting for confirmation, and its kind; ``None`` when there is none."""
    pending = request.session.get(SESSION_KEY)
    if not pending or not _TOKEN.fullmatch(pending.get("token", "")) or pending.get("kind") not in SPECS:
        return None
    path = _folder(request.user) / f"{pending['token']}{pending['suffix']}"
    if pending["suffix"] not in (".xlsx", ".csv") or not path.is_file():
        return None
    return pending, path


def _clear(request) -> None:
    folder = _folder(request.user)
    if folder.is_dir():
        for old in folder.iterdir():
            old.unlink(missing_ok=True)
    request.session.pop(SESSION_KEY, None)


def _render(request, **context):
    context = {**admin.site.each_context(request), "title": _("数据导入"), "kinds": kinds_for(request.user), **context}
    return TemplateResponse(request, "admin/onboarding/import.html", context)


def index(request):
    """The upload form, with each kind's template to download. Posting it shows the preview."""
    if not kinds_for(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render(request, form=UploadForm(user=request.user))
    form = UploadForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render(request, form=form)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    _clear(request)
    token, suffix = secrets.token_urlsafe(24), Path(upload.name).suffix.lower()
    folder = _folder(request.user)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{token}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    spec = spec_for(kind)
    try:
        report = import_file(spec, path, actor=request.user, dry_run=True)
    except DomainError:
        path.unlink(missing_ok=True)
        raise PermissionDenied from None
    if report.ok:
        request.session[SESSION_KEY] = {"token": token, "suffix": suffix, "kind": kind, "name": upload.name[:200]}
    else:
        path.unlink(missing_ok=True)
    return _render(request, form=UploadForm(user=request.user, initial={"kind": kind}), report=report, spec=spec,
                   file_name=upload.name, token=token if report.ok else "")


@require_POST
def confirm(request):
    """确认导入: the file previewed, written in one transaction; a file changed meanwhile is refused whole."""
    found = _pending(request)
    if found is None or request.POST.get("token") != found[0]["token"]:
        messages.error(request, _t("没有待确认的文件，或预览已过期：请重新上传。"))
        return redirect("onboarding:index")
    pending, path = found
    spec = spec_for(pending["kind"])
    try:
        report = import_file(spec, path, actor=request.user)
    except DomainError:
        raise PermissionDenied from None
    if not report.written:
        _clear(request)
        return _render(request, form=UploadForm(user=request.user), report=report, spec=spec, file_name=pending["name"])
    _clear(request)
    messages.success(request, _t("已导入%(title)s：新建 %(creates)s 条，更新 %(updates)s 条。") % {
        "title": spec.title, "creates": report.creates, "updates": report.updates})
    return redirect("onboarding:index")


def template_download(request, kind):
    if kind not in SPECS:
        raise Http404
    spec = spec_for(kind)
    if not may(request.user, spec.work):
        raise PermissionDenied
    return xlsx_response(template(spec), filename=f"{spec.title}导入模板.xlsx", ascii_filename=f"{kind}_template.xlsx")
