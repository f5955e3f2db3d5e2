from django.urls import path

from quntuan.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.index, name="index"),
    path("service/<int:pk>/", views.service_detail, name="service"),
]
