from django.urls import path

from quntuan.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.draft_detail, name="draft"),
    path("<int:pk>/progress/", views.draft_progress, name="progress"),
    path("<int:pk>/report.docx", views.draft_docx, name="docx"),
    path("<int:pk>/report.pdf", views.draft_pdf, name="pdf"),
    path("export/<slug:name>.xlsx", views.export_list, name="export"),
    path("import/", views.roster_import_view, name="import"),
    path("import/<int:pk>/", views.import_run_detail, name="import_run"),
    path("import/<int:pk>/progress/", views.import_run_progress, name="import_progress"),
    path("import/<str:kind>-template.xlsx", views.roster_template, name="import_template"),
]
