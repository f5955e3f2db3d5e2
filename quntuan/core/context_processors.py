from django.conf import settings


def platform(request):
    return {"PLATFORM_NAME": "群团服务云平台", "DEBUG": settings.DEBUG}
