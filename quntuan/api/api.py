"""The one NinjaAPI. Each domain app keeps its endpoints in ``<app>/api.py`` as a ``router``;
they are mounted here. ApplicationError becomes a 4xx with its Chinese message."""

import importlib
import json

from django.core.serializers.json import DjangoJSONEncoder
from ninja import NinjaAPI
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
)


@api.exception_handler(ApplicationError)
def application_error(request, exc: ApplicationError):
    return api.create_response(
        request, {"code": exc.code, "message": exc.message, **exc.extra}, status=exc.status_code
    )


ROUTED_APPS = ["accounts", "catalog", "cases", "notifications", "organizations", "workdays", "core"]

for app in ROUTED_APPS:
    try:
        module = importlib.import_module(f"quntuan.{app}.api")
    except ModuleNotFoundError as exc:
        if exc.name != f"quntuan.{app}.api":
            raise
        continue
    api.add_router(f"/{app}/", module.router)
