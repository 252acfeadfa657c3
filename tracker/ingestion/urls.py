from django.urls import path

from tracker.ingestion import views

app_name = "ingestion"

urlpatterns = [
    path("", views.submit, name="submit"),
    path("runs/<int:run_id>/", views.run_status, name="run"),
]
