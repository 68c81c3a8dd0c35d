import pytest
from django.core.exceptions import ValidationError

from fiches.models import Public, Theme
from fiches.taxonomy import install_taxonomy

pytestmark = pytest.mark.django_db


def test_themes_and_publics_come_from_the_data_inclusion_lists():
    created = install_taxonomy()

    assert created == (16 + 69, 14)
    assert Theme.objects.filter(parent=None).count() == 16
    logement = Theme.objects.get(code="logement-hebergement")
    assert logement.name == "Logement et hébergement"
    assert logement.children.filter(name="Louer un logement").exists()
    assert Public.objects.get(code="seniors").name == "Séniors"


def test_installing_again_keeps_what_administrators_changed():
    install_taxonomy()
    theme = Theme.objects.get(code="sante--acces-aux-soins")
    theme.name = "Se soigner"
    theme.save()
    Theme.objects.create(name="Thème local", slug="theme-local")

    assert install_taxonomy() == (0, 0)
    assert Theme.objects.get(code="sante--acces-aux-soins").name == "Se soigner"
    assert Theme.objects.filter(slug="theme-local", code="").exists()


def test_themes_have_two_levels_only():
    install_taxonomy()
    sub = Theme.objects.get(code="sante--acces-aux-soins")
    deeper = Theme(name="Trop profond", slug="trop-profond", parent=sub)
    with pytest.raises(ValidationError):
        deeper.clean()
