from django.urls import path

from quntuan.routing import model_views, views

app_name = "routing"
urlpatterns = [
    path("overlap/", views.overlap_page, name="overlap"),
    path("overlap/pair/", views.overlap_pair, name="overlap_pair"),
    path("overlap/lead/", views.overlap_lead, name="overlap_lead"),
    path("models/", model_views.models_page, name="models"),
    path("models/<int:version>/activate/", model_views.models_activate, name="models_activate"),
]
