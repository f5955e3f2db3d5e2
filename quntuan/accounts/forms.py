from django import forms
from django.utils.translation import gettext_lazy as _

from quntuan.core.text import is_valid_mobile


class LoginForm(forms.Form):
    login = forms.CharField(
        label=_("手机号或用户名"), max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        error_messages={"required": _("请输入手机号或用户名。")},
    )
    password = forms.CharField(
        label=_("密码"), max_length=128, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("请输入密码。")},
    )


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"), min_length=6, max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "pattern": "[0-9]{6}", "autofocus": True}),
        error_messages={"required": _("请输入 6 位动态验证码。"), "min_length": _("请输入 6 位动态验证码。"),
                        "max_length": _("请输入 6 位动态验证码。")},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError(_("验证码为 6 位数字。"))
        return token


def _clean_mobile(value: str) -> str:
    value = (value or "").strip()
    if not is_valid_mobile(value):
        raise forms.ValidationError(_("请输入正确的 11 位手机号码。"))
    return value


class SendCodeForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号"), max_length=11,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "numeric"}),
        error_messages={"required": _("请输入手机号。")},
    )

    def clean_mobile(self):
        return _clean_mobile(self.cleaned_data["mobile"])


class RegisterForm(SendCodeForm):
    code = forms.CharField(
        label=_("短信验证码"), max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        error_messages={"required": _("请输入短信验证码。")},
    )
    name = forms.CharField(label=_("姓名"), max_length=64, required=False)
    password1 = forms.CharField(
        label=_("密码"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 8 位,包含大写字母、小写字母、数字、符号中的至少三类,不能是常见密码。"),
        error_messages={"required": _("请设置密码。")},
    )
    password2 = forms.CharField(
        label=_("确认密码"), strip=False, max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("请再次输入密码。")},
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data
