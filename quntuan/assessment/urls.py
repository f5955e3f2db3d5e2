from django.urls import path

from quntuan.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("records/", views.records, name="records"),
    path("ledgers/", views.ledgers, name="ledgers"),
    path("ledgers/org/<int:org_id>/", views.ledger_org, name="ledger_org"),
    path("ledgers/<slug:kind>/new/", views.ledger_new, name="ledger_new"),
    path("ledgers/<slug:kind>/<int:pk>/edit/", views.ledger_edit, name="ledger_edit"),
    path("ledgers/<slug:kind>/<int:pk>/delete/", views.ledger_delete, name="ledger_delete"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/new/", views.supervision_create, name="supervision_create"),
    path("supervision/tasks/<int:pk>/", views.assignment_detail, name="assignment"),
    path("supervision/evidence/<int:pk>/", views.evidence_file, name="evidence"),
    path("dispatch/", views.dispatch, name="dispatch"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators/<int:pk>/scores/", views.indicator_scores, name="indicator_scores"),
    path("scores/<int:pk>/file/", views.score_file, name="score_file"),
    path("vetoes/", views.vetoes, name="vetoes"),
    path("vetoes/<int:pk>/file/", views.veto_file, name="veto_file"),
    path("results/<int:year>/", views.results, name="results"),
    path("indicators/<int:pk>/records/<int:target_id>/", views.indicator_drill, name="indicator_records"),
]
