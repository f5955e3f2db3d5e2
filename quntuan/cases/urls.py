from django.urls import path

from quntuan.cases import views
from quntuan.cases.views import routing

app_name = "cases"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("new/services/", views.service_options, name="service_options"),
    path("new/suggest/", routing.suggest, name="suggest"),
    path("new/suggest/accept/", routing.suggest_accept, name="suggest_accept"),
    path("otp/", views.otp_send, name="otp_send"),
    path("mine/", views.mine, name="mine"),
    path("lookup/", views.lookup, name="lookup"),
    path("workbench/", views.workbench, name="workbench"),
    path("intake/", views.intake, name="intake"),
    path("intake/duplicates/", routing.intake_duplicates, name="intake_duplicates"),
    path("overdue/", views.overdue, name="overdue"),
    path("stats/", views.stats, name="stats"),
    path("<slug:tracking_no>/", views.detail, name="detail"),
    path("<slug:tracking_no>/receipt/", views.receipt, name="receipt"),
    path("<slug:tracking_no>/duplicates/", routing.case_duplicates, name="duplicates"),
    path("<slug:tracking_no>/reveal/", views.reveal, name="reveal"),
    path("<slug:tracking_no>/files/<int:pk>/", views.attachment, name="attachment"),
    path("<slug:tracking_no>/do/<slug:name>/", views.action, name="action"),
]
