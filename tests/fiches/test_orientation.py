"""Orientation, end to end with the real database and the outbox: a professional orients a
person from a fiche or a structure, the place answers through its signed link, the sender
follows it; reminders and anonymisation by the daily job; "Envoyer à la personne"."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.utils import timezone

from fiches.models import Orientation
from fiches.orientation import sms
from fiches.orientation.models import OrientationStatus
from moderation.indicators import Indicators
from moderation.roles import Role, install_roles
from tests import builders
from tests.mail import sent_mail

pytestmark = pytest.mark.django_db

PERSON = {
    "person_name": "Amélie D.",
    "person_contact": "06 11 22 33 44",
    "need": "Plus de ressources depuis trois semaines, besoin d’un colis.",
    "documents": "Avis d’imposition",
}


@pytest.fixture
def network(db, django_user_model):
    groups = install_roles()
    pages = builders.site()
    autun = builders.commune(builders.AUTUN)
    creusot = builders.commune(builders.LE_CREUSOT)
    people = {}
    for username, role in (
        ("agent", Role.PROFESSIONALS),
        ("agent2", Role.PROFESSIONALS),
        ("responsable", Role.OWNERS),
        ("autre_responsable", Role.OWNERS),
        ("moderateur", Role.MODERATORS),
        ("admin", Role.ADMINISTRATORS),
    ):
        user = django_user_model.objects.create_user(
            username, f"{username}@exemple.fr", "x", first_name=username
        )
        user.groups.add(groups[str(role)])
        people[username] = user
    people["nobody"] = django_user_model.objects.create_user("nobody", "nobody@exemple.fr", "x")
    ccas = builders.structure(
        pages["structure_index"],
        autun,
        "CCAS d’Autun",
        email="accueil@ccas-autun.fr",
        orientation_email="orientations@ccas-autun.fr",
        phone="03 85 00 00 01",
    )
    ccas.owners = [people["responsable"]]
    ccas.save_revision().publish()
    mds = builders.structure(
        pages["structure_index"], creusot, "MDS du Creusot", kind="mds", email="mds@creusot.fr"
    )
    mds.owners = [people["autre_responsable"]]
    mds.save_revision().publish()
    silent = builders.structure(pages["structure_index"], autun, "Permanence sans courriel")
    fiche = builders.fiche(pages["fiche_index"], "Colis alimentaire d’urgence", places=[ccas, mds, silent])
    lonely = builders.fiche(pages["fiche_index"], "Fiche sans contact", places=[silent])
    return {
        **people,
        "ccas": ccas,
        "mds": mds,
        "silent": silent,
        "fiche": fiche,
        "lonely": lonely,
        "autun": autun,
    }


def signed_in(client, user):
    client.force_login(user)
    return client


def orient(client, network, place=None, **data):
    form = client.get(f"/orienter/fiche/{network['fiche'].pk}/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    payload = {
        **PERSON,
        "structure": (place or network["ccas"]).pk,
        "consent": "on",
        "submission": submission,
        **data,
    }
    return client.post(f"/orienter/fiche/{network['fiche'].pk}/", payload)


def test_the_places_to_orient_to_come_nearest_first_once_the_commune_is_known(client, network):
    from tests.html import document

    signed_in(client, network["agent"])
    creusot = builders.commune(builders.LE_CREUSOT)

    def offered(query=""):
        page = document(client.get(f"/orienter/fiche/{network['fiche'].pk}/{query}").content)
        return [int(v) for v in page.xpath('//input[@name="structure"]/@value')], page

    order, page = offered()  # the fiche's order
    assert order == [network["ccas"].pk, network["mds"].pk]
    assert "les plus proches" not in page.text_content()
    order, page = offered(f"?insee={creusot.insee_code}")
    assert order == [network["mds"].pk, network["ccas"].pk]
    assert "Les lieux les plus proches de Le Creusot d’abord." in " ".join(page.text_content().split())
    fiche_page = document(client.get(f"{network['fiche'].url}?insee={creusot.insee_code}").content)
    assert fiche_page.xpath(f'//a[@href="/orienter/fiche/{network["fiche"].pk}/?insee={creusot.insee_code}"]')


def answer_link(message):
    return re.search(r"http://[^/\s]+(/orientations/reponse/[^/\s]+/)", message.body).group(1)


def sent_orientation(client, network, django_capture_on_commit_callbacks, place=None):
    with django_capture_on_commit_callbacks(execute=True):
        response = orient(signed_in(client, network["agent"]), network, place)
    assert response.status_code == 302
    return Orientation.objects.get(), response


# --- 1. The form ----------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in_and_other_accounts_refused_in_french(network, client):
    fiche, ccas = network["fiche"], network["ccas"]
    for url in (
        f"/orienter/fiche/{fiche.pk}/",
        f"/orienter/lieu/{ccas.pk}/",
        "/orientations/",
        f"/envoyer/fiche/{fiche.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/?next="), url
    client.force_login(network["nobody"])  # an account without the professional role
    for url in (f"/orienter/fiche/{fiche.pk}/", f"/envoyer/fiche/{fiche.pk}/", "/orientations/"):
        response = client.get(url)
        assert response.status_code == 403
        assert "réservés aux professionnels" in response.content.decode()
    assert 'href="/orienter' not in client.get(fiche.url).content.decode()


def test_the_fiche_and_the_structure_offer_orientation_to_professionals_only(network, client):
    fiche, ccas = network["fiche"], network["ccas"]
    assert "Orienter une personne" not in client.get(fiche.url).content.decode()
    assert "Orienter une personne" not in client.get(ccas.url).content.decode()
    signed_in(client, network["agent"])
    page = client.get(fiche.url).content.decode()
    assert f'href="/orienter/fiche/{fiche.pk}/"' in page and f'href="/envoyer/fiche/{fiche.pk}/' in page
    assert f'href="/orienter/lieu/{ccas.pk}/"' in client.get(ccas.url).content.decode()
    # A place without any e-mail says so and offers no form.
    silent = client.get(network["silent"].url).content.decode()
    assert "pas de courriel pour recevoir les orientations" in silent
    assert f'href="/orienter/lieu/{network["silent"].pk}/"' not in silent
    response = client.get(f"/orienter/lieu/{network['silent'].pk}/")
    assert "pas de courriel pour recevoir les orientations" in response.content.decode()
    assert "orientation-form" not in response.content.decode()
    response = client.get(f"/orienter/fiche/{network['lonely'].pk}/")
    assert "Aucun lieu de cette fiche n’a de courriel" in response.content.decode()
    assert "orientation-form" not in response.content.decode()


def test_the_form_lists_the_reachable_places_and_says_what_is_shared(network, client):
    page = signed_in(client, network["agent"]).get(f"/orienter/fiche/{network['fiche'].pk}/").content.decode()
    assert "CCAS d’Autun" in page and "MDS du Creusot" in page
    assert f'value="{network["silent"].pk}"' not in page
    assert "Permanence sans courriel" in page  # named as to contact directly
    assert "Seuls vous, ce lieu et les administrateurs" in page and "effacés 90 jours après" in page


def test_without_consent_the_form_is_refused_in_french_and_keeps_what_was_typed(network, client):
    response = orient(signed_in(client, network["agent"]), network, consent="")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cochez la case du consentement" in page
    assert 'value="Amélie D."' in page and "Plus de ressources depuis trois semaines" in page
    assert "Avis d’imposition" in page
    assert not Orientation.objects.exists()
    response = orient(client, network, need="", person_name="")
    assert "Indiquez le prénom ou les initiales" in response.content.decode()
    assert "Décrivez le besoin de la personne" in response.content.decode()


def test_a_place_that_does_not_receive_orientations_cannot_be_posted(network, client):
    response = orient(signed_in(client, network["agent"]), network, place=network["silent"])
    assert response.status_code == 400
    assert "Choisissez un des lieux proposés." in response.content.decode()
    assert not Orientation.objects.exists()


def test_an_orientation_goes_to_the_orientation_contact_with_a_signed_link(
    network, client, django_capture_on_commit_callbacks
):
    orientation, response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    assert response["Location"] == "/orientations/"
    assert orientation.sender == network["agent"] and orientation.structure == network["ccas"]
    assert orientation.fiche == network["fiche"] and orientation.consent_at is not None
    assert orientation.recipient_email == "orientations@ccas-autun.fr"
    [message] = sent_mail()
    assert message.to == ["orientations@ccas-autun.fr"]
    assert f"Nouvelle orientation n° {orientation.pk}" in message.subject
    assert answer_link(message) == f"/orientations/reponse/{orientation.answer_token()}/"
    # The person's data stays behind the link, out of mailboxes.
    for value in PERSON.values():
        assert value not in message.body


def test_the_structure_email_is_the_fallback(network, client, django_capture_on_commit_callbacks):
    orientation, _response = sent_orientation(
        client, network, django_capture_on_commit_callbacks, place=network["mds"]
    )
    assert sent_mail()[0].to == ["mds@creusot.fr"] == [orientation.recipient_email]


def test_from_a_structure_page(network, client, django_capture_on_commit_callbacks):
    signed_in(client, network["agent"])
    form = client.get(f"/orienter/lieu/{network['ccas'].pk}/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/orienter/lieu/{network['ccas'].pk}/", {**PERSON, "consent": "on", "submission": submission}
        )
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.fiche is None and orientation.structure == network["ccas"]
    assert sent_mail()[0].to == ["orientations@ccas-autun.fr"]


def test_a_double_submission_makes_one_orientation(network, client, django_capture_on_commit_callbacks):
    signed_in(client, network["agent"])
    form = client.get(f"/orienter/fiche/{network['fiche'].pk}/").content.decode()
    submission = re.search(r'name="submission" value="([^"]+)"', form).group(1)
    data = {**PERSON, "structure": network["ccas"].pk, "consent": "on", "submission": submission}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/orienter/fiche/{network['fiche'].pk}/", data)
        second = client.post(f"/orienter/fiche/{network['fiche'].pk}/", data)
    assert first.status_code == second.status_code == 302
    assert Orientation.objects.count() == 1
    assert len(sent_mail()) == 1


def test_the_orientation_is_kept_when_the_mail_server_is_down(
    network, client, django_capture_on_commit_callbacks, settings
):
    settings.MAILER_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    orientation, response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    call_command("send_mail")
    from mailer.models import Message

    assert Message.objects.deferred().count() == 1  # kept for retry_deferred
    assert Orientation.objects.filter(pk=orientation.pk).exists()


# --- 2. The answer through the link ---------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "status", "told"),
    [
        ({"status": "prise_en_charge"}, OrientationStatus.TAKEN_IN, "prise en charge"),
        (
            {"status": "refusee", "refusal_reason": "hors_secteur", "comment": "Voir le CCAS de Mâcon."},
            OrientationStatus.REFUSED,
            "Motif : Hors de notre secteur",
        ),
        (
            {"status": "reorientee", "redirected_to": "mds"},
            OrientationStatus.REDIRECTED,
            "Réorientée vers : MDS",
        ),
    ],
)
def test_the_place_answers_through_its_link_and_the_sender_is_told(
    network, client, django_capture_on_commit_callbacks, data, status, told
):
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    link = answer_link(sent_mail()[0])
    client.logout()  # the place has no account
    page = client.get(link).content.decode()
    for value in PERSON.values():
        assert value in page
    if data.get("redirected_to"):
        data = {**data, "redirected_to": network["mds"].pk}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, data, follow=True)
    assert "votre réponse est enregistrée" in response.content.decode()
    orientation.refresh_from_db()
    assert orientation.status == status and orientation.answered_at is not None
    assert orientation.closed_at == orientation.answered_at
    if status == OrientationStatus.REDIRECTED:
        assert orientation.redirected_to == network["mds"]
    message = sent_mail()[-1]
    assert message.to == ["agent@exemple.fr"]
    assert told.lower() in (message.subject + message.body).lower()
    assert "/orientations/" in message.body
    # "Mes orientations" shows the answer.
    mine = signed_in(client, network["agent"]).get("/orientations/").content.decode()
    assert "Amélie D." in mine and orientation.get_status_display() in mine


def test_an_answer_form_with_missing_choices_is_refused_in_french_and_keeps_the_comment(
    network, client, django_capture_on_commit_callbacks
):
    sent_orientation(client, network, django_capture_on_commit_callbacks)
    link = answer_link(sent_mail()[0])
    client.logout()
    response = client.post(link, {"status": "refusee", "comment": "Nous rappelons lundi."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choisissez le motif du refus." in page and "Nous rappelons lundi." in page
    response = client.post(link, {"status": "reorientee"})
    assert "Choisissez le lieu vers lequel la personne est réorientée." in response.content.decode()
    assert Orientation.objects.get().status == OrientationStatus.SENT


def test_a_used_link_answers_no_more(network, client, django_capture_on_commit_callbacks):
    sent_orientation(client, network, django_capture_on_commit_callbacks)
    link = answer_link(sent_mail()[0])
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link, {"status": "prise_en_charge"})
    response = client.post(link, {"status": "refusee", "refusal_reason": "complet"})
    assert response.status_code == 409
    assert "déjà reçu une réponse" in response.content.decode()
    assert Orientation.objects.get().status == OrientationStatus.TAKEN_IN
    assert len(sent_mail()) == 2  # the structure's, then one answer to the sender


def test_expired_and_forged_links_are_refused_in_french(
    network, client, django_capture_on_commit_callbacks, settings
):
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    client.logout()
    token = orientation.answer_token()
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    response = client.get(f"/orientations/reponse/{forged}/")
    assert response.status_code == 403 and "Ce lien n’est pas valable" in response.content.decode()
    # A link signed for another structure, or another orientation of no structure, is refused.
    other = signing.dumps({"o": orientation.pk, "s": network["mds"].pk}, salt="fiches.orientation.answer")
    assert client.get(f"/orientations/reponse/{other}/").status_code == 403
    settings.FICHES_ORIENTATION_LINK_DAYS = 0
    response = client.get(f"/orientations/reponse/{token}/")
    assert response.status_code == 410 and "Ce lien a expiré" in response.content.decode()
    assert client.post(f"/orientations/reponse/{token}/", {"status": "prise_en_charge"}).status_code == 410
    assert Orientation.objects.get().status == OrientationStatus.SENT


def test_the_reminder_goes_once_after_the_configured_days(
    network, client, django_capture_on_commit_callbacks, settings
):
    settings.FICHES_ORIENTATION_REMINDER_DAYS = 5
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    sent_mail()
    mail.outbox.clear()
    call_command("run_daily", stdout=StringIO(), stderr=StringIO())
    assert not mail.outbox  # too early
    Orientation.objects.filter(pk=orientation.pk).update(created_at=timezone.now() - timedelta(days=6))
    call_command("run_daily", stdout=StringIO(), stderr=StringIO())
    [reminder] = mail.outbox
    assert reminder.to == ["orientations@ccas-autun.fr"] and "Rappel" in reminder.subject
    assert answer_link(reminder) == f"/orientations/reponse/{orientation.answer_token()}/"
    call_command("run_daily", stdout=StringIO(), stderr=StringIO())
    assert len(mail.outbox) == 1  # once


def test_owners_see_their_structures_orientations_in_the_admin_and_no_other(
    network, client, django_capture_on_commit_callbacks
):
    sent_orientation(client, network, django_capture_on_commit_callbacks)
    client.logout()
    page = signed_in(client, network["responsable"]).get("/admin/reperes/orientations/").content.decode()
    assert "Amélie D." in page and "Répondre" in page
    client.logout()
    page = (
        signed_in(client, network["autre_responsable"]).get("/admin/reperes/orientations/").content.decode()
    )
    assert "Amélie D." not in page and "Aucune orientation reçue." in page
    client.logout()
    page = signed_in(client, network["admin"]).get("/admin/reperes/orientations/").content.decode()
    assert "Amélie D." in page


# --- 3. "Mes orientations" -------------------------------------------------------------------


def test_my_orientations_lists_mine_only(network, client, django_capture_on_commit_callbacks):
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    page = client.get("/orientations/").content.decode()
    assert "Amélie D." in page and "En attente de réponse" in page and "CCAS d’Autun" in page
    assert orientation.created_at.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in page
    client.logout()
    assert "Amélie D." not in signed_in(client, network["agent2"]).get("/orientations/").content.decode()


# --- 4. Personal data ------------------------------------------------------------------------


def test_moderators_see_counts_only(network, client, django_capture_on_commit_callbacks):
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    orientation.answer(OrientationStatus.TAKEN_IN)
    client.logout()
    signed_in(client, network["moderateur"])
    indicators = client.get("/admin/reperes/indicateurs/").content.decode()
    assert "Orientations par lieu" in indicators and "Orientations par mois" in indicators
    received = client.get("/admin/reperes/orientations/").content.decode()
    for page in (indicators, received):
        for value in PERSON.values():
            assert value not in page
    csv = client.get("/admin/reperes/indicateurs/?csv=orientations-lieux").content.decode("utf-8-sig")
    assert "CCAS d’Autun;1;1;100 %;1;100 %;" in csv
    assert "Amélie" not in csv


def test_indicators_count_per_structure_fiche_and_month_with_the_median_delay(network):
    now = timezone.now()
    for days, status in ((1, OrientationStatus.TAKEN_IN), (3, OrientationStatus.REFUSED), (None, None)):
        o = Orientation.objects.create(
            sender=network["agent"],
            fiche=network["fiche"],
            fiche_title="Colis",
            structure=network["ccas"],
            structure_title="CCAS d’Autun",
            recipient_email="x@exemple.fr",
            person_name="A",
            person_contact="B",
            need="C",
            consent_at=now,
            submission=__import__("uuid").uuid4(),
            created_at=now - timedelta(days=5),
        )
        if status:
            Orientation.objects.filter(pk=o.pk).update(
                status=status, answered_at=o.created_at + timedelta(days=days), closed_at=now
            )
    by_place, by_fiche, by_month = Indicators().orientations()
    assert by_place.rows == [("CCAS d’Autun", 3, 2, "67 %", 1, "33 %", "2,0")]
    assert by_fiche.rows[0][:3] == ("Colis", 3, 2)
    assert sum(r[1] for r in by_month.rows) == 3 and by_month.total[1] == 3


def test_personal_data_is_erased_by_the_daily_job_after_the_configured_days(
    network, client, django_capture_on_commit_callbacks, settings
):
    settings.FICHES_ORIENTATION_DATA_DAYS = 90
    orientation, _response = sent_orientation(client, network, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        orientation.answer(OrientationStatus.REFUSED, "complet", "Rappeler Amélie au 06 11 22 33 44")
    call_command("run_daily", stdout=StringIO(), stderr=StringIO())
    orientation.refresh_from_db()
    assert orientation.person_name == "Amélie D."  # closed today: kept
    Orientation.objects.filter(pk=orientation.pk).update(closed_at=timezone.now() - timedelta(days=91))
    out = StringIO()
    call_command("run_daily", stdout=out, stderr=StringIO())
    assert "Données personnelles effacées sur 1 orientation(s)" in out.getvalue()
    orientation.refresh_from_db()
    assert (orientation.person_name, orientation.person_contact, orientation.need) == ("", "", "")
    assert orientation.documents == orientation.answer_comment == ""
    assert orientation.anonymised_at is not None
    assert orientation.status == OrientationStatus.REFUSED and orientation.structure == network["ccas"]
    # Still listed, without the person, for the sender; the link says the data is gone.
    assert "effacé" in client.get("/orientations/").content.decode()
    client.logout()
    page = client.get(f"/orientations/reponse/{orientation.answer_token()}/").content.decode()
    assert "ont été effacées" in page and "Amélie" not in page


def test_an_orientation_never_answered_is_erased_once_its_link_has_expired_for_as_long(network, settings):
    settings.FICHES_ORIENTATION_LINK_DAYS, settings.FICHES_ORIENTATION_DATA_DAYS = 30, 90
    o = Orientation.objects.create(
        sender=network["agent"],
        structure=network["ccas"],
        structure_title="CCAS",
        recipient_email="x@exemple.fr",
        person_name="A",
        person_contact="B",
        need="Besoin",
        consent_at=timezone.now(),
        submission=__import__("uuid").uuid4(),
        created_at=timezone.now() - timedelta(days=119),
    )
    assert not Orientation.objects.personal_data_expired().exists()
    Orientation.objects.filter(pk=o.pk).update(created_at=timezone.now() - timedelta(days=121))
    assert list(Orientation.objects.personal_data_expired()) == [o]


def test_the_person_is_in_no_export_api_or_search(network, client, django_capture_on_commit_callbacks):
    sent_orientation(client, network, django_capture_on_commit_callbacks)
    for url in (
        "/donnees/services.json",
        "/donnees/structures.json",
        "/donnees/structures.csv",
        "/api/v1/fiches",
        "/api/v1/structures",
        "/recherche/?q=ressources",
        "/recherche/?q=imposition",
    ):
        response = client.get(url)
        body = response.content.decode("utf-8", errors="replace")
        for value in ("Amélie", "trois semaines", "06 11 22 33 44", "Avis d’imposition"):
            assert value not in body, url
    # The orientation contact is a professional's address: never exported nor public.
    client.logout()
    assert "orientations@ccas-autun.fr" not in client.get(network["ccas"].url).content.decode()
    assert "orientations@ccas-autun.fr" not in client.get("/donnees/structures.json").content.decode()


def test_the_privacy_page_says_it(network, client):
    page = client.get("/donnees-personnelles/").content.decode()
    assert "Orientations" in page and "effacées automatiquement 90 jours après" in page
    assert "les modérateurs ne voient que des nombres" in page
    assert 'href="/donnees-personnelles/"' in client.get("/").content.decode()


# --- 5. "Envoyer à la personne" ---------------------------------------------------------------


def test_the_fiche_is_sent_to_the_person_with_the_nearest_places_and_the_address_is_not_stored(
    network, client
):
    signed_in(client, network["agent"])
    fiche = network["fiche"]
    page = client.get(f"/envoyer/fiche/{fiche.pk}/?insee={network['autun'].insee_code}").content.decode()
    assert "les lieux les plus proches de Autun" in page
    response = client.post(f"/envoyer/fiche/{fiche.pk}/", {"email": "amelie.d@exemple.org"})
    assert response.status_code == 302 and response["Location"] == fiche.url
    [message] = sent_mail()
    assert message.to == ["amelie.d@exemple.org"]
    assert fiche.title in message.body and "CCAS d’Autun" in message.body
    assert "près de Autun" in message.body and f"http://127.0.0.1:8000{fiche.url}" in message.body
    assert message.body.index("CCAS d’Autun") < message.body.index("MDS du Creusot")
    # Sent, the address is nowhere in the database.
    dump = StringIO()
    call_command("dumpdata", "mailer", "fiches.orientation", "sessions", stdout=dump)
    assert "amelie.d@exemple.org" not in dump.getvalue()


def test_a_bad_address_is_refused_in_french_and_kept(network, client):
    signed_in(client, network["agent"])
    response = client.post(f"/envoyer/fiche/{network['fiche'].pk}/", {"email": "amelie@", "phone": ""})
    assert response.status_code == 400
    assert "Saisissez une adresse courriel valide." in response.content.decode()
    assert 'value="amelie@"' in response.content.decode()
    response = client.post(f"/envoyer/fiche/{network['fiche'].pk}/", {"email": "", "phone": "12"})
    assert "Saisissez un numéro de portable français" in response.content.decode()
    response = client.post(f"/envoyer/fiche/{network['fiche'].pk}/", {"email": "", "phone": ""})
    assert "Indiquez le courriel ou le téléphone portable" in response.content.decode()


def test_sending_to_people_is_limited_per_user_per_day(network, client, settings):
    settings.FICHES_SEND_TO_PERSON_DAILY_LIMIT = 2
    signed_in(client, network["agent"])
    url = f"/envoyer/fiche/{network['fiche'].pk}/"
    assert client.post(url, {"email": "a@exemple.org"}).status_code == 302
    assert client.post(url, {"email": "b@exemple.org"}).status_code == 302
    response = client.post(url, {"email": "c@exemple.org"})
    assert response.status_code == 429
    assert "limite de 2 envois par jour" in response.content.decode()
    assert 'value="c@exemple.org"' in response.content.decode()
    assert len(sent_mail()) == 2
    # Another professional has their own count.
    client.logout()
    assert signed_in(client, network["agent2"]).post(url, {"email": "c@exemple.org"}).status_code == 302


def test_a_text_message_goes_through_the_sms_backend(network, client, capsys, settings):
    settings.FICHES_SMS_BACKEND = "fiches.orientation.sms.ConsoleBackend"
    signed_in(client, network["agent"])
    fiche = network["fiche"]
    client.get(f"{fiche.url}?insee={network['autun'].insee_code}")  # the commune, remembered
    response = client.post(f"/envoyer/fiche/{fiche.pk}/", {"phone": "06 12 34 56 78"})
    assert response.status_code == 302
    out = capsys.readouterr().out
    assert "SMS à 0612345678" in out
    assert fiche.title in out and "CCAS d’Autun" in out and fiche.url in out
    assert not mail.outbox and not sent_mail()


class FailingProvider(sms.BaseBackend):
    def send_messages(self, messages):
        raise ConnectionError("provider down")


def test_an_sms_provider_down_says_so_in_french_and_keeps_the_number(network, client, settings):
    settings.FICHES_SMS_BACKEND = f"{__name__}.FailingProvider"
    signed_in(client, network["agent"])
    fiche = network["fiche"]
    response = client.post(f"/envoyer/fiche/{fiche.pk}/", {"phone": "06 12 34 56 78"})
    assert response.status_code == 502
    html = response.content.decode()
    assert "Le SMS n’a pas pu partir" in html and "06 12 34 56 78" in html


def test_the_sms_backend_is_chosen_by_the_setting(settings):
    stream = StringIO()
    backend = sms.get_backend("fiches.orientation.sms.ConsoleBackend", stream=stream)
    assert backend.send_messages([sms.SMS("0612345678", "Bonjour")]) == 1
    assert "SMS à 0612345678\nBonjour" in stream.getvalue()
    settings.FICHES_SMS_BACKEND = "fiches.orientation.sms.BaseBackend"
    with pytest.raises(NotImplementedError):
        sms.send_sms("0612345678", "Bonjour")
