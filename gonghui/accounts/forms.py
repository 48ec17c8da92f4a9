from django import forms
from django.core.validators import RegexValidator

from gonghui.accounts.models import Role, RoleCode
from gonghui.core.forms import Form
from gonghui.core.pages import org_choices

# Domain rules with their own words (the generic messages come from core.forms.MESSAGES).
MOBILE = RegexValidator(r"^1\d{10}$", "请输入 11 位手机号。", code="mobile")
USERNAME = RegexValidator(
    r"^[A-Za-z0-9_.@-]+$", "用户名只能包含字母、数字和 _ . @ -。", code="username"
)
OTP_TOKEN = RegexValidator(r"^\d{6}$", "请输入 6 位数字验证码。", code="otp_token")


class LoginForm(Form):
    username = forms.CharField(
        label="用户名",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpTokenForm(Form):
    token = forms.CharField(
        label="动态验证码",
        validators=[OTP_TOKEN],
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


class OrgChoiceField(forms.TypedChoiceField):
    def __init__(self, *, orgs=(), **kwargs):
        super().__init__(coerce=int, choices=[("", "请选择组织")] + org_choices(orgs), **kwargs)


class UserCreateForm(Form):
    service_fields = {"password": "password1"}
    username = forms.CharField(
        label="用户名",
        max_length=150,
        validators=[USERNAME],
        help_text="字母、数字或 _ . @ -，登录时使用。",
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    org = OrgChoiceField(label="所属组织")
    phone = forms.CharField(label="手机号", required=False, validators=[MOBILE])
    email = forms.EmailField(label="电子邮箱", required=False)
    password1 = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，不能是常见密码，不能与用户名相同。",
    )
    password2 = forms.CharField(
        label="确认密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    role = forms.ModelChoiceField(
        label="初始角色", queryset=Role.objects.none(), required=False, empty_label="暂不分配"
    )

    def __init__(self, *args, orgs=(), roles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="所属组织", orgs=orgs)
        self.fields["role"].queryset = Role.objects.filter(pk__in=[r.pk for r in roles])
        self.order_fields(
            ["username", "full_name", "org", "role", "phone", "email", "password1", "password2"]
        )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class UserEditForm(Form):
    full_name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="手机号", required=False, validators=[MOBILE])
    email = forms.EmailField(label="电子邮箱", required=False)
    is_active = forms.BooleanField(label="账号启用", required=False)


class RoleGrantForm(Form):
    org = OrgChoiceField(label="在组织")
    role = forms.ModelChoiceField(
        label="授予角色", queryset=Role.objects.all(), empty_label="请选择角色"
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="在组织", orgs=orgs)


class PasswordChangeForm(Form):
    service_fields = {"password": "new_password1"}
    old_password = forms.CharField(
        label="当前密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少 10 位，不能是常见密码，不能与用户名相同。",
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的密码不一致。")
        return data


ROLE_FILTER_CHOICES = [("", "全部角色")] + list(RoleCode.choices)
