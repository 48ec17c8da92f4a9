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


def validation_error_fields(exc) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into {field: [messages]}."""
    if hasattr(exc, "message_dict"):
        return {k: list(v) for k, v in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}
