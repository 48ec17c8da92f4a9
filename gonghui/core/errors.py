"""Domain errors raised by services; views and the API render them in Chinese.

`code` is stable (clients may switch on it); `message` is for people.
"""


class ServiceError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, fields=None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields: dict[str, list[str]] = fields or {}


class ValidationFailed(ServiceError):
    code = "validation_error"
    status = 422


class PermissionDenied(ServiceError):
    code = "permission_denied"
    status = 403


class NotFound(ServiceError):
    code = "not_found"
    status = 404

    def __init__(self, message: str = "记录不存在或您无权访问。", **kwargs):
        super().__init__(message, **kwargs)


class Conflict(ServiceError):
    code = "conflict"
    status = 409


class ErrorCollector:
    """Run several checks that each raise ValidationFailed and report all their messages at
    once (never stop at the first):

        errors = ErrorCollector()
        amount = errors.check(_amount, value, "self_paid", "金额")
        day = errors.check(_date, value, "occurred_on", "日期")
        errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.messages: list[str] = []

    def check(self, function, *args, **kwargs):
        """function's result, or None when it raised ValidationFailed (kept for later)."""
        try:
            return function(*args, **kwargs)
        except ValidationFailed as exc:
            if exc.fields:
                for field, messages in exc.fields.items():
                    self.fields.setdefault(field, []).extend(messages)
            else:
                self.messages.append(exc.message)
            return None

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self, message: str = "请检查填写的内容。") -> None:
        """Raise ValidationFailed with everything collected; a single problem is also the
        error's message (as if it had been raised alone)."""
        if self.fields or self.messages:
            fields = dict(self.fields)
            if self.messages:
                fields.setdefault("__all__", []).extend(self.messages)
            every = [m for messages in fields.values() for m in messages]
            raise ValidationFailed(every[0] if len(every) == 1 else message, fields=fields)


def validation_error_fields(exc) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into {field: [messages]}."""
    if hasattr(exc, "message_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}


def request_error_text(exc) -> tuple[str, str] | None:
    """Chinese (title, message) for Django's own refusals of a request (Host header, field
    count, unreadable multipart body); None for anything else. The body size limit
    (RequestDataTooBig) has its own wording on pages and in the API."""
    from django.core.exceptions import DisallowedHost, TooManyFieldsSent, TooManyFilesSent
    from django.http.multipartparser import MultiPartParserError

    if isinstance(exc, DisallowedHost):
        return "访问地址不正确", "请使用系统管理员提供的网址访问本系统。"
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return "提交的项目过多", "一次提交的字段或文件数量超出上限，请分批提交。"
    if isinstance(exc, MultiPartParserError):
        return "提交的内容不完整", "上传的表单或文件不完整(可能是网络中断)，请重新提交。"
    return None
