"""可配置清单: the park's lists (industry chains and their segments, towns and streets, qualification kinds, source
channels; parks adds benefit kinds) edited by an administrator. Writes go through ``crm.lists``: an entry in use is
retired, never deleted, and keeps its code.

Also teaches the admin to filter any ``ListCodeField`` by the entries' names.
"""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from crm.errors import DomainError
from crm.lists import list_entry_check_deletable, list_entry_delete, list_entry_save, list_entry_uses
from crm.models import ChainSegment, IndustryChain, Jurisdiction, ListCodeField, QualificationKind, SourceChannel


class ListCodeFieldListFilter(admin.ChoicesFieldListFilter):
    """A list filter offering the list's entries by name (retired ones too: old records are found by them)."""


admin.FieldListFilter.register(lambda field: isinstance(field, ListCodeField), ListCodeFieldListFilter, take_priority=True)


class ListEntryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order", "is_active")
    list_filter = ("is_active",)
    list_editable = ("order", "is_active")
    search_fields = ("name", "code")
    fields = ("name", "code", "order", "is_active")

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and list_entry_uses(obj):
            return ("code",)
        return ()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one at a time, through list_entry_delete
        return actions

    def save_model(self, request, obj, form, change):
        list_entry_save(entry=obj, actor=request.user)

    def delete_view(self, request, object_id, extra_context=None):
        """An entry in use is refused before the confirmation page, with the reason and what to do instead."""
        entry = self.get_object(request, object_id)
        if entry is not None:
            try:
                list_entry_check_deletable(entry)
            except DomainError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(reverse(
                    f"admin:{entry._meta.app_label}_{entry._meta.model_name}_change", args=[entry.pk]
                ))
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        list_entry_delete(entry=obj, actor=request.user)


@admin.register(IndustryChain)
class IndustryChainAdmin(ListEntryAdmin):
    pass


@admin.register(ChainSegment)
class ChainSegmentAdmin(ListEntryAdmin):
    list_display = ("name", "chain", "code", "order", "is_active")
    list_filter = ("chain", "is_active")
    list_select_related = ("chain",)
    fields = ("chain", "name", "code", "order", "is_active")


@admin.register(Jurisdiction)
class JurisdictionAdmin(ListEntryAdmin):
    pass


@admin.register(QualificationKind)
class QualificationKindAdmin(ListEntryAdmin):
    pass


@admin.register(SourceChannel)
class SourceChannelAdmin(ListEntryAdmin):
    pass

