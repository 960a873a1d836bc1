from django.contrib import admin

from onewindow.workdays.models import CalendarDay, CalendarRevision, CalendarYear


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "source", "entered_by", "entered_at")
    readonly_fields = ("year", "source", "entered_by", "entered_at")

    def has_add_permission(self, request):  # years are entered through the calendar page
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    date_hierarchy = "date"
    readonly_fields = ("date", "kind", "name")

    def has_add_permission(self, request):  # edits go through services so they are recorded
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "year")
    readonly_fields = ("at", "user", "action", "year", "detail")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
