from django.urls import path

from . import handout_views, opendata_views, views
from .needs import views as needs_views
from .orientation import views as orientation_views

app_name = "fiches"

urlpatterns = [
    path("recherche/", views.search, name="search"),
    path("recherche/pas-trouve/", needs_views.need_report, name="need_report"),
    path("themes/", views.theme_index, name="themes"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme"),
    path("publics/", views.public_index, name="publics"),
    path("publics/<slug:slug>/", views.public_detail, name="public"),
    path("mots-cles/", views.keyword_index, name="keywords"),
    path("mots-cles/<text:slug>/", views.keyword_detail, name="keyword"),
    path("par-territoire/", views.territory_index, name="territories"),
    path("par-territoire/<slug:slug>/", views.territory_detail, name="territory"),
    path("communes/autocompletion/", views.commune_autocomplete, name="commune_autocomplete"),
    path("communes/<text:insee>/", views.commune_detail, name="commune"),
    path("liens-utiles/", views.useful_links, name="useful_links"),
    path("imprimer/fiche/<id:pk>.pdf", handout_views.fiche_pdf, name="fiche_pdf"),
    path("imprimer/structure/<id:pk>.pdf", handout_views.structure_pdf, name="structure_pdf"),
    path("imprimer/annuaire.pdf", handout_views.directory_pdf, name="directory_pdf"),
    path("selection/", handout_views.selection_detail, name="selection"),
    path("selection/ajouter/<id:pk>/", handout_views.selection_add, name="selection_add"),
    path("selection/retirer/<id:pk>/", handout_views.selection_remove, name="selection_remove"),
    path("selection/vider/", handout_views.selection_clear, name="selection_clear"),
    path("selection/fiches.pdf", handout_views.selection_pdf, name="selection_pdf"),
    path("donnees/", opendata_views.opendata_index, name="opendata"),
    path("donnees/<slug:kind>.json", opendata_views.export_json, name="opendata_json"),
    path("donnees/<slug:kind>.csv", opendata_views.export_csv, name="opendata_csv"),
    path("orienter/fiche/<id:fiche_id>/", orientation_views.orient_from_fiche, name="orient_from_fiche"),
    path(
        "orienter/lieu/<id:structure_id>/", orientation_views.orient_to_structure, name="orient_to_structure"
    ),
    path("orientations/", orientation_views.my_orientations, name="my_orientations"),
    path(
        "orientations/reponse/<text:signed>/", orientation_views.orientation_answer, name="orientation_answer"
    ),
    path("envoyer/fiche/<id:fiche_id>/", orientation_views.send_to_person, name="send_to_person"),
]
