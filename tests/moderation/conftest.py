import pytest
from django.core.cache import cache

from moderation.roles import Role, install_roles
from tests import builders


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()  # rate-limit counters


@pytest.fixture
def network(db, django_user_model):
    """A fiche and a structure, each with an owner, and a moderator."""
    groups = install_roles()
    pages = builders.site()
    owner = django_user_model.objects.create_user("rania", "rania@exemple.fr", "x", first_name="Rania")
    other = django_user_model.objects.create_user("paul", "paul@exemple.fr", "x")
    moderator = django_user_model.objects.create_user("marc", "marc@exemple.fr", "x")
    owner.groups.add(groups[str(Role.OWNERS)])
    other.groups.add(groups[str(Role.OWNERS)])
    moderator.groups.add(groups[str(Role.MODERATORS)])
    structure = builders.structure(pages["structure_index"], builders.commune(), "CCAS d’Autun")
    structure.owners = [other]
    structure.save_revision().publish()
    fiche = builders.fiche(pages["fiche_index"], "Aide alimentaire")
    fiche.owners = [owner]
    fiche.save_revision().publish()
    return {
        "fiche": fiche,
        "structure": structure,
        "owner": owner,
        "other": other,
        "moderator": moderator,
        **pages,
    }


VALID = {
    "category": "contact_hours",
    "description": "Le numéro de téléphone indiqué n’est plus attribué.",
    "suggestion": "03 85 00 00 00",
    "reporter_name": "Claire",
    "reporter_email": "claire@exemple.fr",
}
