from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("用户名或密码不正确。连续输入错误多次后账号将被临时锁定，请仔细核对。"),
        "inactive": _("该账号已停用，请联系系统管理员。"),
    }

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError as exc:
            # An applicant account whose ID number its verified owner took over through the
            # province (accounts.signon.identity_release) is told so, not "wrong password".
            from onewindow.accounts.signon import released_notice

            notice = exc.code == "invalid_login" and released_notice(
                self.cleaned_data.get("username", "")
            )
            if notice:
                raise forms.ValidationError(notice, code="released") from None
            raise
