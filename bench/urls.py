"""The product's URLs plus the Django floor: what the framework itself costs on this machine."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/floor/json", views.floor_json, name="bench-floor-json"),
    path("bench/floor/query", views.floor_query, name="bench-floor-query"),
    path("", include("config.urls")),
]
