"""What the admin's Excel files look like to a clerk: a Chinese file name with the local date, and the leads template.

An export is named “招商项目_2026-12-07.xlsx” by the date in Asia/Shanghai (not UTC: at 07:30 in the park it is
still yesterday in UTC). The ``Content-Disposition`` header carries the name twice: RFC 6266/5987 ``filename*``
in UTF-8, which every current browser reads, and an ASCII ``filename`` for a client that cannot.
"""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from .resources import leads_template

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment_header(filename: str, ascii_filename: str) -> str:
    """``attachment; filename="projects_2026-12-07.xlsx"; filename*=UTF-8''%E6%8B%9B…``."""
    return f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename, safe='')}"


def xlsx_response(content: bytes, *, filename: str, ascii_filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename, ascii_filename)
    return response


class ExcelFileNameMixin:
    """For an admin with django-import-export's ``ExportMixin``: the export is “<export_file_stem>_<local date>.xlsx”
    and its resource knows who exports (``user``; the project export masks phones by it)."""

    export_file_stem = ("", "")  # (中文, ascii), e.g. ("招商项目", "projects")

    def _export_names(self, file_format) -> tuple[str, str]:
        day = f"{timezone.localdate():%Y-%m-%d}"
        extension = file_format.get_extension()
        chinese, ascii_stem = self.export_file_stem
        return f"{chinese}_{day}.{extension}", f"{ascii_stem}_{day}.{extension}"

    def get_export_filename(self, request, queryset, file_format):
        return self._export_names(file_format)[0]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        response = super()._do_file_export(file_format, request, queryset, export_form=export_form)
        response["Content-Disposition"] = attachment_header(*self._export_names(file_format))
        return response


class LeadsTemplateMixin:
    """The 线索导入 page offers “下载导入模板”: an .xlsx with the Chinese headers, one example row that imports as it
    is, and a sheet listing what each choice column accepts."""

    import_template_name = "admin/crm/project/import.html"

    def get_urls(self):
        opts = self.model._meta
        own = [
            path(
                "import/template/",
                self.admin_site.admin_view(self.import_template_view),
                name=f"{opts.app_label}_{opts.model_name}_import_template",
            ),
        ]
        return own + super().get_urls()

    def import_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        return xlsx_response(leads_template(), filename="线索导入模板.xlsx", ascii_filename="leads_template.xlsx")
