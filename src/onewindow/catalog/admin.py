"""Admin: life events are edited here; items, versions and approvals are read-only, because
every change to them goes through the catalogue services (which keep the version history)."""

from django.contrib import admin

from onewindow.catalog.models import (
    CombinedService,
    HallApproval,
    Item,
    ItemVersion,
    LifeEvent,
    Material,
)
from onewindow.common.admin import ReadOnlyMixin


@admin.register(LifeEvent)
class LifeEventAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "audience", "order"]
    list_filter = ["audience"]


class ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    pass


class MaterialInline(ReadOnlyMixin, admin.TabularInline):
    model = Material
    extra = 0
    fields = ["order", "name", "required", "is_main", "rongque", "source"]


@admin.register(Item)
class ItemAdmin(ReadOnly):
    list_display = ["name", "unit", "item_type", "case_kind", "status", "hall_status", "version"]
    list_filter = ["status", "item_type", "hall_status", "case_kind"]
    search_fields = [
        "name",
        "implementation_code",
        "basic_code",
        "local_implementation_code",
        "local_basic_code",
        "initials",
    ]
    list_select_related = ["unit"]
    inlines = [MaterialInline]


@admin.register(ItemVersion)
class ItemVersionAdmin(ReadOnly):
    list_display = ["item", "number", "action", "actor", "at"]
    list_select_related = ["item", "actor"]


@admin.register(HallApproval)
class HallApprovalAdmin(ReadOnly):
    list_display = ["item", "kind", "doc_no", "approved_on", "approver", "recorded_by"]


@admin.register(CombinedService)
class CombinedServiceAdmin(ReadOnly):
    list_display = ["name", "lead_unit", "promised_limit", "status"]
