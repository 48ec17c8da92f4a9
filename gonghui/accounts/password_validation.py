from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length check with a Chinese message (Django 5.2's zh_Hans catalog lacks it)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"


class NotUsernameValidator:
    """The password may not equal the username (ignoring case)."""

    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and password.strip().lower() == username.strip().lower():
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"
