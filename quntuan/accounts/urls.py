from django.urls import path

from quntuan.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("register/", views.register_view, name="register"),
    path("password/", views.password_change_view, name="password_change"),
    path("2fa/setup/", views.otp_setup_view, name="otp_setup"),
    path("2fa/verify/", views.otp_verify_view, name="otp_verify"),
]
