from django.urls import path

from quntuan.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.board, name="board"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("notices/<int:pk>/", views.notice_view, name="notice_view"),
    path("notices/<int:pk>/manage/", views.notice_manage, name="notice_manage"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("me/", views.my_data, name="my_data"),
    path("me/export.json", views.my_data_export, name="my_data_export"),
]
