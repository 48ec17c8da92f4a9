from django.core.exceptions import ValidationError


class NotUsernameValidator:
    """The password may not equal the username (ignoring case)."""

    def validate(self, password, user=None):
        username = getattr(user, "username", "") or ""
        if username and password.strip().lower() == username.strip().lower():
            raise ValidationError("密码不能与用户名相同。", code="password_is_username")

    def get_help_text(self):
        return "密码不能与用户名相同。"
