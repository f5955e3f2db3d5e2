"""One error type for every refused operation. Services raise it; the API's handler and the
pages turn it into a 4xx with its Chinese message."""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str, *, code: str = "invalid", status: int | None = None, extra=None):
        super().__init__(message)
        self.message = message
        self.code = code
        if status is not None:
            self.status_code = status
        self.extra = extra or {}


class PermissionDenied(ApplicationError):
    status_code = 403

    def __init__(self, message: str = "您无权执行此操作。", **kwargs):
        kwargs.setdefault("code", "forbidden")
        super().__init__(message, **kwargs)


class NotFound(ApplicationError):
    status_code = 404

    def __init__(self, message: str = "未找到该记录,或您无权查看。", **kwargs):
        kwargs.setdefault("code", "not_found")
        super().__init__(message, **kwargs)


class Conflict(ApplicationError):
    status_code = 409

    def __init__(self, message: str, **kwargs):
        kwargs.setdefault("code", "conflict")
        super().__init__(message, **kwargs)
