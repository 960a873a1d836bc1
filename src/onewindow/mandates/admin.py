"""Admin: letters, powers, seals and first-asked records are shown; letters and powers change
only through the services (sign, file and revoke have rules), seals and records likewise."""

from django.contrib import admin

from onewindow.common.admin import ReadOnlyMixin
from onewindow.mandates.models import Enquiry, ItemPower, Letter, Seal


class ItemPowerInline(ReadOnlyMixin, admin.TabularInline):
    model = ItemPower
    extra = 0
    fields = ("item", "power", "collective", "needs_other", "cut_limit", "cut_reason")


@admin.register(Letter)
class LetterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("unit", "supervisor", "team_leader", "valid_from", "valid_until", "status")
    list_filter = ("status",)
    search_fields = ("unit__name",)
    inlines = [ItemPowerInline]


@admin.register(Seal)
class SealAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("unit", "enabled", "enabled_on", "custodian")
    list_filter = ("enabled",)


@admin.register(Enquiry)
class EnquiryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "staff", "question", "item", "outcome", "guided_to")
    list_filter = ("outcome",)
    search_fields = ("question", "staff__name")
