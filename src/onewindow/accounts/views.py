"""Applicant account pages: registration (实名注册 with an SMS code), 我的单位 (organisations
and their operators)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from onewindow.accounts import codes, oidc, oidc_views, reset, selectors, services
from onewindow.accounts.forms import (
    OperatorForm,
    OrganisationForm,
    RegisterForm,
    ResetForm,
    VerifyLookupForm,
)
from onewindow.accounts.models import Membership, Organisation
from onewindow.common import crypto
from onewindow.common.masking import mask_mobile
from onewindow.common.validators import normalize_credit_code, validate_credit_code
from onewindow.org.access import permission_required

BACKEND = "django.contrib.auth.backends.ModelBackend"


def client_address(request) -> str | None:
    # The address the login lockout uses (behind trusted proxies, the one they saw).
    return import_string(settings.AXES_CLIENT_IP_CALLABLE)(request)


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _typed(form_class, data: dict, exc: ValidationError):
    """The form as typed with only the refusal of sending a code (the fields not sent yet are
    not reported missing)."""
    form = form_class(data=data)
    form.is_valid()
    for field in list(form.errors):
        del form.errors[field]
    if hasattr(exc, "error_dict"):
        _apply_errors(form, exc)
    else:
        form.add_error("mobile", exc.messages)
    return form


def register(request):
    """个人注册: name, resident ID, mobile verified by an SMS code, password."""
    if request.user.is_authenticated:
        return redirect("home")
    status = 200
    # Stage 2 (code and password) once a code was asked for: its one submit button before
    # 重新获取验证码, so Enter in any field registers instead of texting a new code.
    stage2 = request.POST.get("stage") == "2"
    if request.method != "POST":
        form = RegisterForm()
    elif request.POST.get("action") == "send":
        # Only the mobile matters for sending: the other fields are kept as typed, unchecked.
        data = {k: request.POST.get(k, "") for k in ("name", "id_number", "mobile")}
        form = RegisterForm(initial=data)
        try:
            codes.code_send(mobile=data["mobile"], address=client_address(request))
            messages.success(
                request,
                f"验证码已发送至{mask_mobile(codes.checked_mobile(data['mobile']))}，"
                "10分钟内有效。",
            )
            stage2 = True
        except ValidationError as exc:
            form = _typed(RegisterForm, data, exc)
            stage2 = stage2 or getattr(exc, "code", None) == "code_resend_wait"
            status = 400
    else:
        stage2 = True
        form = RegisterForm(request.POST)
        if form.is_valid():
            try:
                user = services.person_register(**form.cleaned_data)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                login(request, user, backend=BACKEND)
                messages.success(request, f"注册成功，欢迎您，{user.display_name}。")
                messages.info(request, services.UNVERIFIED_NOTE)
                return redirect("portal:my_cases")
        status = 400
    return render(
        request,
        "accounts/register.html",
        {"form": form, "oidc_enabled": oidc.enabled(), "stage2": stage2},
        status=status,
    )


def password_reset(request):
    """找回密码: a code to the registered mobile, then a new password."""
    status = 200
    stage2 = request.POST.get("stage") == "2"  # as on the register page
    if request.method != "POST":
        form = ResetForm()
    elif request.POST.get("action") == "send":
        data = {k: request.POST.get(k, "") for k in ("id_number", "mobile")}
        form = ResetForm(initial=data)
        try:
            said = reset.reset_code_send(**data, address=client_address(request))
            messages.success(request, said)
            stage2 = True
        except ValidationError as exc:
            form = _typed(ResetForm, data, exc)
            status = 429 if getattr(exc, "code", None) == "reset_rate_limited" else 400
    else:
        stage2 = True
        form = ResetForm(request.POST)
        if form.is_valid():
            try:
                reset.password_reset(**form.cleaned_data, address=client_address(request))
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, "密码已重设，请用新密码登录。")
                return redirect("login")
        status = 400
    return render(
        request, "accounts/password_reset.html", {"form": form, "stage2": stage2}, status=status
    )


@permission_required("accounts.organisations")
def organisations(request):
    """我的单位: the organisations the user administers or acts for, the invitations waiting for
    their answer, and their registrations that another verified registration ended."""
    return render(
        request,
        "accounts/organisations.html",
        {
            "memberships": selectors.memberships_of(user=request.user),
            "invitations": selectors.invitations_of(user=request.user),
            "superseded": selectors.superseded_claims_of(user=request.user),
            "verified": bool(request.user.identity_digest),
        },
    )


@require_POST
@permission_required("accounts.organisations")
def invitation_answer(request, membership_id: int):
    """The invited person accepts (接受) or declines (拒绝) an operator invitation."""
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"), pk=membership_id, user=request.user
    )
    accept = request.POST.get("answer") == "accept"
    try:
        if accept:
            services.invitation_accept(acting_user=request.user, membership=membership)
        else:
            services.invitation_decline(acting_user=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        org = membership.organisation.name
        messages.success(
            request,
            f"您已成为“{org}”的经办人，可以该单位名义网上申请。"
            if accept
            else f"您已拒绝“{org}”的经办人邀请。",
        )
    return redirect("accounts:organisations")


@permission_required("accounts.organisations")
def organisation_new(request):
    """登记单位: the registering person becomes its administrator."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = services.organisation_register(acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            # Signed in through the province as its legal representative: verified at once.
            claimed = request.session.get(oidc_views.ORG_CLAIM_SESSION_KEY) or []
            if org.credit_code in claimed:
                services.organisations_for_claim(user=request.user, credit_codes=[org.credit_code])
                messages.success(
                    request,
                    f"单位“{org.name}”已登记，并已由省统一身份认证（法人）核验，您是该单位的管理员。",
                )
            else:
                messages.success(
                    request,
                    f"单位“{org.name}”已登记，您是该单位的管理员。单位待核验：请以法定代表人身份"
                    "通过省统一身份认证登录，或携营业执照到政务服务中心窗口核验；"
                    "核验前只能以单位名义网上申请，看不到单位在窗口办理的办件。",
                )
            return redirect("accounts:organisation", org.pk)
    return render(
        request,
        "accounts/organisation_new.html",
        {"form": form, "verified": bool(request.user.identity_digest)},
        status=400 if form.errors else 200,
    )


@permission_required("accounts.organisations")
def organisation(request, organisation_id: int):
    """An organisation's page: its details and who may act for it; its administrator adds
    operators by resident ID number."""
    org, own = selectors.organisation_get_for_user(organisation_id, user=request.user)
    is_admin = own.role == Membership.Role.ADMIN
    form = OperatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.operator_grant(
                acting_user=request.user, organisation=org, **form.cleaned_data
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, services.INVITED.format(name=added.shown_name, id=added.shown_id)
            )
            return redirect("accounts:organisation", org.pk)
    return render(
        request,
        "accounts/organisation.html",
        {
            "org": org,
            "own": own,
            "is_admin": is_admin,
            "members": selectors.members_of(org),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@permission_required("accounts.organisations")
def operator_revoke(request, organisation_id: int, membership_id: int):
    org, _own = selectors.organisation_get_for_user(organisation_id, user=request.user)
    membership = get_object_or_404(Membership, pk=membership_id, organisation=org)
    try:
        services.operator_revoke(acting_user=request.user, membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已撤销{membership.shown_name}的经办人授权。")
    return redirect("accounts:organisation", org.pk)


@permission_required("accounts.verify_organisations")
def organisation_verify(request):
    """核验单位 (hall staff): the clerk types the credit code from the business licence the
    applicant shows, sees every registration of it, and verifies the one whose name and legal
    representative match the licence."""
    form = VerifyLookupForm(request.GET or None)
    claims, code = None, ""
    if form.is_valid():
        try:
            code = normalize_credit_code(form.cleaned_data["credit_code"])
            validate_credit_code(code)
        except ValidationError as exc:
            form.add_error("credit_code", exc.messages)
        else:
            claims = list(selectors.pending_claims(crypto.digest(code)))
    if request.method == "POST":
        org = get_object_or_404(Organisation, pk=request.POST.get("organisation"))
        try:
            services.organisation_verify(
                organisation=org, how=Organisation.Verification.HALL, by=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                f"已核验“{org.name}”。同一统一社会信用代码的其他待核验登记已失效，其人员会在“我的单位”看到说明。",
            )
        return redirect(f"{reverse('accounts:organisation_verify')}?credit_code={org.credit_code}")
    return render(
        request,
        "accounts/organisation_verify.html",
        {"form": form, "claims": claims, "code": code},
        status=400 if form.errors else 200,
    )
