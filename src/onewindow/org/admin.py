from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from onewindow.common.admin import ReadOnlyMixin
from onewindow.org import services
from onewindow.org.models import (
    Hall,
    Leave,
    OnboardingRun,
    Region,
    Role,
    Section,
    SetupChange,
    Staff,
    StaffChange,
    Unit,
    User,
    WindowPost,
)
from onewindow.org.roles import RoleCode


class UserChangeForm(BaseUserAdmin.form):
    """The applicant's verified identity is entered here (until the province's unified identity
    authentication supplies it) and kept only as its digest."""

    identity_kind = forms.ChoiceField(
        label="实名认证类型",
        required=False,
        choices=[("", "不变"), ("person", "居民身份证"), ("organisation", "统一社会信用代码")],
    )
    identity_number = forms.CharField(label="证件号码", required=False, max_length=18)

    def clean(self):
        """Checked with the user and its roles, so that nothing is saved half."""
        data = super().clean()
        kind = data.get("identity_kind")
        if not kind:
            return data
        roles = data.get("roles") or []
        if not any(role.code == RoleCode.APPLICANT for role in roles):
            self.add_error("identity_kind", "只有申请人账号可以登记实名认证信息。")
        try:
            self.instance.identity_digest = services.identity_digest(
                kind=kind, number=data.get("identity_number", "")
            )
        except ValidationError as exc:
            self.add_error("identity_number", exc.messages)
        return data

    def save(self, commit=True):
        user = super().save(commit=commit)
        if commit and self.cleaned_data.get("identity_kind") and user.identity_digest:
            # The number typed here was checked by staff: as verified as at a desk.
            for hook in services.IDENTITY_VERIFIED:
                hook(user=user, digest=user.identity_digest)
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserChangeForm
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("角色", {"fields": ("display_name", "roles", "password_change_required")}),
        ("申请人实名认证", {"fields": ("identity_kind", "identity_number")}),
    )
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("角色", {"fields": ("display_name", "roles")}))
    filter_horizontal = ("roles", "groups", "user_permissions")
    list_display = ("username", "display_name", "is_active", "last_login")
    search_fields = ("username", "display_name")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("code", "__str__")

    def has_add_permission(self, request):  # roles are fixed in code (RoleCode)
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    fields = ("name", "mode", "hall_presence")
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "credit_code", "leader_in_charge", "lead_section")
    list_filter = ("kind", "in_reform")
    search_fields = ("name", "short_name", "credit_code")
    autocomplete_fields = ("leader_in_charge", "lead_section")
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "mode", "hall_presence", "head")
    list_filter = ("mode", "hall_presence")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit", "head")


@admin.register(Hall)
class HallAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "hours")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "section", "title", "mobile_masked", "establishment", "active")
    list_filter = ("establishment", "active", "unit__kind")
    search_fields = ("name", "unit__name")
    autocomplete_fields = ("unit", "section", "user")

    @admin.display(description="手机号码")
    def mobile_masked(self, obj):
        return obj.mobile_masked


@admin.register(WindowPost)
class WindowPostAdmin(admin.ModelAdmin):
    list_display = ("number", "name", "hall", "kind", "staff_a", "staff_b", "active")
    list_filter = ("hall", "kind", "active")
    search_fields = ("number", "name")
    autocomplete_fields = ("staff_a", "staff_b")
    filter_horizontal = ("units",)


@admin.register(Leave)
class LeaveAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Leave is decided by the AB cover rule in `services.leave_request`, never by hand."""

    list_display = ("staff", "start", "end", "reason", "status", "requested_at")
    list_filter = ("status",)
    search_fields = ("staff__name",)


@admin.register(StaffChange)
class StaffChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("staff", "kind", "effective_on", "successor", "status", "decided_by")
    list_filter = ("status", "kind")


@admin.register(SetupChange)
class SetupChangeAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """The hall set-up record is append-only (org.setup writes it); the admin only shows it."""

    list_display = ("at", "hall", "post", "action", "by_name")
    list_filter = ("action", "hall")
    search_fields = ("post__number", "post__name", "by_name")


@admin.register(OnboardingRun)
class OnboardingRunAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Each onboarding import that changed something (org.onboarding writes it): who, when, the
    file's digest and every change; no password is ever in it."""

    list_display = ("at", "by_name", "filename", "accounts")
    search_fields = ("by_name", "filename")
