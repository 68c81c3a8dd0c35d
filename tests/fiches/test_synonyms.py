"""Synonyms and acronyms (fiches.models.Synonym, fiches.query): what agents type finds the fiches
written in other words, on both databases, and an edit in the admin shows in the next search."""

import pytest
from django.core.management import call_command

from fiches.models import Synonym
from fiches.query import Synonyms, fold_words
from fiches.synonyms import DEFAULT_SYNONYMS, install_synonyms
from tests import builders

pytestmark = pytest.mark.django_db


def titles(client, q, **params):
    response = client.get("/recherche/", {"q": q, **params})
    assert response.status_code == 200
    return [r.fiche.title for r in response.context["page_obj"].results]


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin-test", "admin@exemple.fr", "x")
    client.force_login(user)
    return client


@pytest.fixture
def fiches(world):
    index = world["fiche_index"]
    return {
        "caf": builders.fiche(
            index, "Aides au logement", summary="Versées par la caisse d’allocations familiales."
        ),
        "c2s": builders.fiche(
            index,
            "Complémentaire santé solidaire (C2S)",
            summary="La part complémentaire des frais de santé.",
        ),
        "energie": builders.fiche(
            index, "Impayés d’énergie", summary="Une aide pour une facture d’électricité impayée."
        ),
        "other": builders.fiche(index, "Transport solidaire", summary="Des chauffeurs bénévoles."),
    }


def test_an_acronym_finds_the_fiche_written_in_full_words_and_back(client, fiches):
    Synonym.objects.create(term="CAF", equivalents="caisse d’allocations familiales, allocations familiales")

    assert titles(client, "CAF") == ["Aides au logement"]
    assert titles(client, "caf logement") == ["Aides au logement"]


def test_a_one_way_need_is_widened_but_its_equivalents_are_not(client, fiches):
    Synonym.objects.create(
        term="plus d’électricité", equivalents="facture d’électricité, impayé d’énergie", both_ways=False
    )
    Synonym.objects.create(term="mutuelle", equivalents="complémentaire santé", both_ways=True)

    Synonym.objects.create(term="CMU", equivalents="complémentaire santé", both_ways=False)
    builders.fiche(fiches["other"].get_parent(), "Ancienne CMU", summary="Remplacée en 2019.")

    assert titles(client, "plus d'electricite") == ["Impayés d’énergie"]
    assert titles(client, "MUTUELLES") == ["Complémentaire santé solidaire (C2S)"]
    assert sorted(titles(client, "cmu")) == ["Ancienne CMU", "Complémentaire santé solidaire (C2S)"]
    # One way: typing an equivalent does not search the term.
    assert titles(client, "complémentaire santé") == ["Complémentaire santé solidaire (C2S)"]


def test_a_term_of_several_words_matches_them_in_any_order(client, fiches):
    Synonym.objects.create(term="santé complémentaire", equivalents="C2S", both_ways=False)

    assert titles(client, "complementaire sante") == ["Complémentaire santé solidaire (C2S)"]


def test_editing_a_synonym_in_the_admin_changes_the_next_search(admin, fiches):
    assert titles(admin, "mutuelle") == []  # kept in the result cache from now on

    response = admin.post(
        "/admin/snippets/fiches/synonym/add/",
        {"term": "Mutuelle", "equivalents": "complémentaire santé", "both_ways": "on"},
    )
    assert response.status_code == 302
    assert titles(admin, "mutuelle") == ["Complémentaire santé solidaire (C2S)"]

    synonym = Synonym.objects.get()
    response = admin.post(
        f"/admin/snippets/fiches/synonym/edit/{synonym.pk}/",
        {"term": "Mutuelle", "equivalents": "chauffeurs bénévoles", "both_ways": "on"},
    )
    assert response.status_code == 302
    assert titles(admin, "mutuelle") == ["Transport solidaire"]

    response = admin.post(f"/admin/snippets/fiches/synonym/delete/{synonym.pk}/")
    assert response.status_code == 302
    assert titles(admin, "mutuelle") == []


def test_the_admin_refuses_a_second_entry_for_the_same_term_in_french(admin, fiches):
    Synonym.objects.create(term="Mutuelle", equivalents="complémentaire santé")

    response = admin.post(
        "/admin/snippets/fiches/synonym/add/", {"term": "MUTUELLE ", "equivalents": "C2S", "both_ways": "on"}
    )

    assert response.status_code == 200
    assert "Ce terme est déjà dans la liste" in response.content.decode()
    response = admin.post("/admin/snippets/fiches/synonym/add/", {"term": "Sécu", "equivalents": " , ;"})
    assert "Écrivez au moins un équivalent" in response.content.decode()
    assert Synonym.objects.count() == 1


def test_install_reperes_seeds_the_sector_vocabulary_once_and_keeps_edits(db):
    call_command("install_reperes", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Synonym.objects.count() == len({" ".join(fold_words(t)) for t, _e, _b in DEFAULT_SYNONYMS})
    for acronym in ("CAF", "RSA", "C2S", "APL", "AAH", "PCH", "APA", "MDPH", "FSL", "PMI", "ASE", "CMP"):
        assert Synonym.objects.filter(term=acronym).exists(), acronym
    for network in ("Restos du cœur", "Secours populaire", "Croix-Rouge", "Emmaüs", "CIDFF", "UDAF", "ADIL"):
        assert Synonym.objects.filter(term=network).exists(), network
    caf = Synonym.objects.get(term="CAF")
    caf.equivalents = "caisse d’allocations familiales, allocations"
    caf.save()

    assert install_synonyms() == 0
    caf.refresh_from_db()
    assert caf.equivalents == "caisse d’allocations familiales, allocations"


def test_the_query_is_split_into_the_longest_terms_it_holds(db):
    synonyms = Synonyms(
        [
            ("plus de chauffage", ["chèque énergie"], False),
            ("chauffage", ["fioul"], False),
            ("CAF", ["caisse"], True),
        ]
    )

    parts = synonyms.parts("Aide « plus de chauffage » caf !")

    assert [(p.typed, p.alternatives) for p in parts] == [
        ("Aide", ()),
        ("plus de chauffage", ("plus de chauffage", "chèque énergie")),
        ("caf", ("CAF", "caisse")),
    ]
    assert synonyms.parts("?!… «»") == []


def test_a_short_word_is_not_an_acronym_written_with_a_final_s(db):
    synonyms = Synonyms([("PASS", ["permanence d’accès aux soins de santé"], True)])

    assert [p.alternatives for p in synonyms.parts("pas d'adresse")] == [(), (), ()]
    assert synonyms.parts("pass")[0].alternatives
