"""站点信息: the park's identity (name, short name, management body, logo, signature, address), one row edited by an
administrator; every change goes through ``site_profile_update``."""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.models import SiteProfile
from crm.models.site import SITE_PROFILE_ID
from crm.notifications.site import logo_check, site_profile_update

EDITABLE = ("name", "short_name", "organization", "signature", "site_url")


class SiteProfileForm(forms.ModelForm):
    logo_upload = forms.FileField(
        label=_("上传标志"), required=False, help_text=_("PNG 或 JPEG，不超过 256 KB；建议正方形，至少 64×64 像素。")
    )
    remove_logo = forms.BooleanField(label=_("移除标志"), required=False)

    class Meta:
        model = SiteProfile
        fields = EDITABLE

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if upload is None:
            return None
        content = upload.read(256 * 1024 + 1)
        logo_check(content)  # a ValidationError in Chinese for anything but a small PNG or JPEG
        return content


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    form = SiteProfileForm
    fields = (*EDITABLE, "current_logo", "logo_upload", "remove_logo")
    readonly_fields = ("current_logo",)

    @admin.display(description=_("当前标志"))
    def current_logo(self, obj):
        if obj is None or not obj.has_logo:
            return _("（未上传，显示简称的首字）")
        return format_html('<img src="{}" alt="" class="zj-site-logo-preview" height="48">', reverse("site-logo"))

    def has_add_permission(self, request):
        return False  # one row, created by the migration

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One profile: the list is its page.
        if self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:crm_siteprofile_change", args=[SITE_PROFILE_ID]))
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        # The form has checked every field and the logo; only an administrator reaches this page (Area.SYSTEM).
        saved = site_profile_update(
            actor=request.user, logo=data.get("logo_upload"), remove_logo=data.get("remove_logo", False),
            **{name: data[name] for name in EDITABLE},
        )
        obj.pk = saved.pk
