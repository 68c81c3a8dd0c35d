"""The fiche editor's weight (issue #27, item 10): its theme checkboxes, labelled
"category › theme", are read in one query, not one per theme."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from fiches.models import Theme
from tests import builders

pytestmark = pytest.mark.django_db


def test_the_editor_reads_the_themes_and_their_categories_in_one_query(db):
    pages = builders.site()
    for c in range(4):
        category = Theme.objects.create(name=f"Catégorie {c}", slug=f"cat-{c}")
        for t in range(10):
            Theme.objects.create(name=f"Thème {c}.{t}", slug=f"theme-{c}-{t}", parent=category)
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire")
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x"))
    client.get(f"/admin/pages/{fiche.pk}/edit/")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/admin/pages/{fiche.pk}/edit/")

    assert response.status_code == 200
    assert "Catégorie 3 › Thème 3.9" in response.content.decode()
    theme_queries = [q["sql"] for q in queries.captured_queries if 'FROM "fiches_theme"' in q["sql"]]
    assert len(theme_queries) <= 4, len(theme_queries)  # a few reads of the field, not one per theme (44)
