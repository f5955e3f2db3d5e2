"""Turns an ApplicationError that escaped a page view into its 4xx page with the Chinese message
(API endpoints have their own handler in quntuan/api/api.py)."""

from django.shortcuts import render

from quntuan.core.exceptions import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        context = {"message": exception.message, "status": exception.status_code}
        if getattr(request, "htmx", False):
            return render(request, "includes/error_fragment.html", context, status=exception.status_code)
        return render(request, "error.html", context, status=exception.status_code)
