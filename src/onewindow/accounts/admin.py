"""Applicant accounts in the admin: shown (numbers masked), changed only through the services."""

from django.contrib import admin

from onewindow.accounts.models import Membership, OidcLink, Organisation, Person
from onewindow.common.admin import ReadOnlyMixin


@admin.register(Person)
class PersonAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "id_number_masked",
        "mobile_masked",
        "source",
        "assurance",
        "created_at",
        "released_at",
    ]
    list_filter = ["source", "assurance"]
    search_fields = ["name"]
    fields = [
        "user",
        "name",
        "id_number_masked",
        "mobile_masked",
        "source",
        "assurance",
        "created_at",
        "released_at",
    ]
    readonly_fields = fields


class MembershipInline(ReadOnlyMixin, admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = [
        "user",
        "role",
        "granted_by",
        "granted_at",
        "accepted_at",
        "revoked_by",
        "revoked_at",
    ]
    readonly_fields = fields
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "credit_code", "legal_rep_name", "created_at", "verified_at"]
    list_filter = ["verified_how"]
    search_fields = ["name"]
    fields = [
        "name",
        "credit_code",
        "legal_rep_name",
        "legal_rep_id_masked",
        "registered_by",
        "created_at",
        "verified_at",
        "verified_how",
        "verified_by",
        "superseded_at",
    ]
    readonly_fields = fields
    inlines = [MembershipInline]


@admin.register(OidcLink)
class OidcLinkAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["user", "issuer", "created_at", "last_login_at"]
    fields = ["user", "issuer", "sub", "created_at", "last_login_at"]
    readonly_fields = fields
