"""The editor's revision comparison reads as people read (issue #27, item 5): yes/no in words,
keywords that were only reordered not flagged."""

import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests import builders

pytestmark = pytest.mark.django_db


def cost(is_free):
    return json.dumps([{"type": "cost", "value": {"is_free": is_free, "details": "Selon les ressources."}}])


@pytest.fixture
def two_revisions(db):
    pages = builders.site()
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire", body=cost(False))
    fiche.keywords.set(["colis", "épicerie"])
    fiche.needs_verification = False
    first = fiche.save_revision()
    fiche = fiche.get_latest_revision_as_object()
    fiche.body = cost(True)
    fiche.keywords.set(["épicerie", "colis"])  # the same keywords, another order
    fiche.needs_verification = True
    second = fiche.save_revision()
    return fiche, first, second


def compare(fiche, first, second):
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.create_superuser("admin", "admin@exemple.fr", "x"))
    response = client.get(f"/admin/pages/{fiche.pk}/revisions/compare/{first.pk}...{second.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<main") :]))


def test_booleans_read_oui_and_non_in_the_body_and_the_fields(two_revisions):
    text = compare(*two_revisions)
    assert "False" not in text and "True" not in text
    assert "gratuit Non" in text and "gratuit Oui" in text  # the cost block, before and after
    assert "À vérifier: Non Oui" in text  # a model BooleanField: deleted "Non", added "Oui"


def test_keywords_only_reordered_are_not_flagged(two_revisions):
    text = compare(*two_revisions)
    assert "Mots-clés" not in text and "colis" not in text, text[:3000]
