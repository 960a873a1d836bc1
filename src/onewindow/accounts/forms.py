"""The registration and organisation forms: fields for rendering and for reading the input;
the services do every check and say what is wrong in Chinese."""

from django import forms

REQUIRED = {"required": "请填写此项。"}


def _text(label, *, max_length, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={**REQUIRED, "max_length": f"{label}最多{max_length}个字符。"},
        widget=forms.TextInput(attrs=attrs),
    )


def _password(label, autocomplete) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=128,
        error_messages=REQUIRED,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class RegisterForm(forms.Form):
    name = _text("姓名", max_length=30, autocomplete="name")
    id_number = _text(
        "居民身份证号码", max_length=22, autocomplete="off", spellcheck="false", inputmode="text"
    )
    mobile = _text("手机号码", max_length=20, autocomplete="tel", inputmode="tel")
    code = _text("短信验证码", max_length=10, autocomplete="one-time-code", inputmode="numeric")
    password = _password("设置密码", "new-password")
    password2 = _password("再次输入密码", "new-password")


class OrganisationForm(forms.Form):
    name = _text("单位名称", max_length=100, autocomplete="organization")
    credit_code = _text("统一社会信用代码", max_length=24, autocomplete="off", spellcheck="false")
    legal_rep_name = _text("法定代表人（负责人）姓名", max_length=30, autocomplete="off")
    legal_rep_id = _text(
        "法定代表人（负责人）身份证号码", max_length=22, autocomplete="off", spellcheck="false"
    )


class OperatorForm(forms.Form):
    id_number = _text("经办人身份证号码", max_length=22, autocomplete="off", spellcheck="false")


class ResetForm(forms.Form):
    id_number = _text(
        "居民身份证号码", max_length=22, autocomplete="off", spellcheck="false", inputmode="text"
    )
    mobile = _text("注册时的手机号码", max_length=20, autocomplete="tel", inputmode="tel")
    code = _text("短信验证码", max_length=10, autocomplete="one-time-code", inputmode="numeric")
    password = _password("新密码", "new-password")
    password2 = _password("再次输入新密码", "new-password")


class VerifyLookupForm(forms.Form):
    credit_code = _text(
        "统一社会信用代码（营业执照上的）", max_length=24, autocomplete="off", spellcheck="false"
    )
