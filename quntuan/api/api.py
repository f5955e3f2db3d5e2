"""The one NinjaAPI. Each domain app keeps its endpoints in ``<app>/api.py`` as a ``router``;
they are mounted here. ApplicationError becomes a 4xx with its Chinese message."""

import importlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from quntuan.core.exceptions import ApplicationError


class ChineseJSONRenderer(JSONRenderer):
    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)


api = NinjaAPI(
    title="群团服务云平台 API",
    version="1.0",
    description="群团服务云平台的 JSON 接口。",
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
    # Served from ninja's own static files (``ninja`` is in INSTALLED_APPS), never from a CDN;
    # no validator badge, which would call validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, **exc.extra}, status=exc.status_code
    )


ROUTED_APPS = [
    "accounts", "catalog", "cases", "notifications", "organizations", "workdays", "core",
    "activities", "volunteers", "routing", "programs", "assessment", "reports", "search",
]

for app in ROUTED_APPS:
    try:
        module = importlib.import_module(f"quntuan.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"quntuan.{app}.api":
            raise
        continue
    api.add_router(f"/{app}/", module.router)


# --- Chinese answers for ninja's own errors (validation, authentication, throttling, 404) ------

from django.http import Http404  # noqa: E402
from django.utils.translation import gettext as _  # noqa: E402
from django.utils.translation import gettext_lazy  # noqa: E402
from ninja.errors import HttpError, ValidationError  # noqa: E402
from pydantic import BaseModel  # noqa: E402

_HTTP_MESSAGES = {
    401: ("unauthenticated", gettext_lazy("请先登录,或提供有效的访问令牌。")),
    403: ("forbidden", gettext_lazy("您无权执行此操作。")),
    404: ("not_found", gettext_lazy("未找到该记录,或您无权查看。")),
    405: ("method_not_allowed", gettext_lazy("不支持该请求方法。")),
    429: ("throttled", gettext_lazy("请求过于频繁,请稍后再试。")),
}

_field_labels: dict[str, str] = {}


def _operation_models(request) -> list:
    """The parameter models of the operation that is answering ``request`` (ninja keeps the
    operation in the closure of the view it gives Django's URL resolver)."""
    try:
        func = request.resolver_match.func
        for cell in func.__closure__ or ():
            path_view = cell.cell_contents
            if hasattr(path_view, "_find_operation"):
                operation = path_view._find_operation(request)
                return list(getattr(operation, "models", []) or [])
    except (AttributeError, TypeError, ValueError):
        pass
    return []


def _title_in_models(models: list, loc: list) -> str | None:
    """The ``title`` of the field at ``loc`` (e.g. ["body", "payload", "reason"]): "" when the
    operation has that field without a title, None when the field is not found."""
    for model in models:
        if getattr(model, "__ninja_param_source__", None) != loc[0]:
            continue
        cls, title = model, None
        for part in loc[1:]:
            fields = getattr(cls, "model_fields", None)
            if not fields or not isinstance(part, str):
                break
            info = fields.get(part) or next((i for i in fields.values() if i.alias == part), None)
            if info is None:
                title = None
                break
            title = info.title or ""
            cls = info.annotation
        if title is not None:
            return title
    return None


def _label(name: str) -> str:
    """A field's Chinese title from any schema (fallback when the operation is not known)."""
    if not _field_labels:
        stack = list(BaseModel.__subclasses__())
        while stack:
            cls = stack.pop()
            stack.extend(cls.__subclasses__())
            for field_name, info in getattr(cls, "model_fields", {}).items():
                for key in (field_name, info.alias):
                    if info.title and key and key not in _field_labels:
                        _field_labels[key] = info.title
    return _field_labels.get(name, _("请求体") if name == "payload" else name)


def _error_message(error: dict, models: list) -> tuple[str, str]:
    full_loc = list(error.get("loc", ()))
    loc = [part for part in full_loc if isinstance(part, str)]
    field = loc[-1] if len(loc) > 1 else ""
    label = _("请求")
    if field:
        # the operation's own field title; an untitled field of the operation is named as it is
        # (never borrow another schema's title for the same name); unknown operation: any schema's
        title = _title_in_models(models, full_loc)
        label = title or (f"“{field}”" if title == "" and field != "payload" else _label(field))
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        text = _("%(label)s为必填项") % {"label": label}
    elif kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        text = (_("%(label)s不能为空") if minimum <= 1 else _("%(label)s至少 %(n)s 个字符")) % {"label": label,
                                                                                       "n": minimum}
    elif kind == "string_too_long":
        text = _("%(label)s不能超过 %(n)s 个字符") % {"label": label, "n": ctx.get("max_length")}
    elif kind in {"too_long", "too_short"}:
        text = _("%(label)s的数量不符合要求") % {"label": label}
    elif kind == "json_invalid":
        text = _("请求体不是有效的 JSON")
    elif kind in {"literal_error", "enum"}:
        text = _("%(label)s的取值无效,可选:%(choices)s") % {"label": label, "choices": ctx.get("expected", "")}
    elif kind in {"greater_than", "greater_than_equal"}:
        text = _("%(label)s不能小于 %(n)s") % {"label": label, "n": ctx.get("ge", ctx.get("gt"))}
    elif kind in {"less_than", "less_than_equal"}:
        text = _("%(label)s不能大于 %(n)s") % {"label": label, "n": ctx.get("le", ctx.get("lt"))}
    elif kind in {"value_error", "assertion_error"} and ctx.get("error"):
        # Validators raise ValueError("不能为空") and the like: the field's title goes in front.
        text = label + str(ctx["error"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    elif kind in {"model_attributes_type", "dict_type", "model_type"}:
        text = _("%(label)s的格式不正确,应为 JSON 对象") % {"label": label}
    else:
        text = _("%(label)s的格式不正确") % {"label": label}
    return field, text


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = []
    models = _operation_models(request)
    for error in exc.errors:
        field, text = _error_message(error, models)
        errors.append({"field": field, "loc": list(error.get("loc", ())), "type": error.get("type", ""),
                       "message": text})
    message = _("提交的数据有误:%(errors)s。") % {"errors": ";".join(dict.fromkeys(e["message"] for e in errors))}
    return api.create_response(request, {"code": "invalid", "message": message, "errors": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    code, message = _HTTP_MESSAGES.get(exc.status_code, ("error", gettext_lazy("请求无法处理。")))
    if exc.status_code == 400:  # ninja could not parse the body
        code, message = "invalid", _("提交的数据有误:请求体不是有效的 JSON(应为 UTF-8 编码的 JSON 对象)。")
    response = api.create_response(request, {"code": code, "message": str(message)}, status=exc.status_code)
    if getattr(exc, "wait", None):
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    code, message = _HTTP_MESSAGES[404]
    return api.create_response(request, {"code": code, "message": str(message)}, status=404)


from django.core.exceptions import RequestDataTooBig  # noqa: E402


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc: RequestDataTooBig):
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return api.create_response(
        request, {"code": "too_large", "message": _("提交的数据过大,请求体不能超过 %(n)s MB。") % {"n": limit}},
        status=413,
    )


# Tokens for programmatic clients (POST /api/auth/token).
from quntuan.api.auth import router as auth_router  # noqa: E402

api.add_router("/auth/", auth_router)
