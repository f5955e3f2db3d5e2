"""A URL conf for decorator tests: the accounts pages plus one staff-only page."""

from django.http import HttpResponse
from django.urls import include, path
from django.views.generic import View

from quntuan.accounts.decorators import StaffRequiredMixin, staff_required


@staff_required
def staff_page(request):
    return HttpResponse("工作台")


class StaffClassView(StaffRequiredMixin, View):
    def get(self, request):
        return HttpResponse("工作台(类视图)")


urlpatterns = [
    path("accounts/", include("quntuan.accounts.urls")),
    path("staff-only/", staff_page),
    path("staff-class/", StaffClassView.as_view()),
]
