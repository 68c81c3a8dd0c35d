from django.urls import path

from . import views

app_name = "moderation"

urlpatterns = [
    path("signaler/<id:page_id>/", views.report, name="report"),
    path("signaler/<id:page_id>/merci/", views.report_thanks, name="report_thanks"),
    path("s/<id:page_id>", views.report_short, name="report_short"),
]
