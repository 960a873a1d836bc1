"""Admin: an item's 告知承诺 text is entered here (the catalogue has no field for it yet); drafts
are the applicants' own and are not shown."""

from django.contrib import admin

from onewindow.portal.models import Commitment


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ["item"]
    raw_id_fields = ["item"]
    search_fields = ["item__name"]
