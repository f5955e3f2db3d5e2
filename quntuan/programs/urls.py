from django.urls import path

from quntuan.programs import views

app_name = "programs"
urlpatterns = [
    path("", views.board, name="board"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/outcomes/", views.plan_outcomes, name="plan_outcomes"),
    path("groups/", views.groups, name="groups"),
    path("groups/preview/", views.group_preview, name="group_preview"),
    path("notices/", views.notice_list, name="notice_list"),
    path("notices/new/", views.notice_new, name="notice_new"),
    path("notices/<int:pk>/", views.notice_view, name="notice_view"),
    path("notices/<int:pk>/manage/", views.notice_manage, name="notice_manage"),
    path("notices/<int:pk>/publish/", views.notice_publish, name="notice_publish"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("rules/", views.rules, name="rules"),
    path("me/", views.my_data, name="my_data"),
    path("me/profile/", views.my_profile, name="my_profile"),
    path("me/referrals/<int:pk>/", views.my_referral, name="my_referral"),
    path("me/unsubscribe/", views.my_unsubscribe, name="my_unsubscribe"),
    path("me/export.json", views.my_data_export, name="my_data_export"),
]
