from django.urls import path

from . import views

app_name = "fiches"

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("themes/", views.theme_index, name="themes"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("publics/<slug:slug>/", views.public_detail, name="public"),
]
