from django.urls import path

from tracker.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("articles/<int:article_id>/", views.article_detail, name="article"),
]
