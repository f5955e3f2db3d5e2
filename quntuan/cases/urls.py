from django.urls import path

from quntuan.cases import views

app_name = "cases"
urlpatterns = [
    path("new/", views.submit, name="submit"),
    path("new/services/", views.service_options, name="service_options"),
    path("otp/", views.otp_send, name="otp_send"),
    path("mine/", views.mine, name="mine"),
    path("lookup/", views.lookup, name="lookup"),
    path("workbench/", views.workbench, name="workbench"),
    path("intake/", views.intake, name="intake"),
    path("overdue/", views.overdue, name="overdue"),
    path("stats/", views.stats, name="stats"),
    path("<slug:tracking_no>/", views.detail, name="detail"),
    path("<slug:tracking_no>/receipt/", views.receipt, name="receipt"),
    path("<slug:tracking_no>/reveal/", views.reveal, name="reveal"),
    path("<slug:tracking_no>/files/<int:pk>/", views.attachment, name="attachment"),
    path("<slug:tracking_no>/do/<slug:name>/", views.action, name="action"),
]
