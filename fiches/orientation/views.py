"""Public views of orientation: the professional's form (from a fiche or a structure), "Mes
orientations", the receiving structure's answer page (signed link, no account) and "Envoyer à
la personne"."""

import logging
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from territories.caching import over_limit
from territories.links import public_url
from territories.models import StructurePage

from ..commune_choice import chosen_commune
from ..models import FichePage
from . import sms
from .forms import AnswerForm, OrientationForm, SendToPersonForm, consent_text
from .models import Orientation

PLACES_SENT = 3
logger = logging.getLogger(__name__)


def professional_required(view):
    """Signed-in professionals only (the professional permission, which every role of the
    network holds): anonymous visitors are sent to sign in, other accounts get a French 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not FichePage.user_can_see_pro(request.user):
            return render(request, "fiches/orientation/refused.html", status=403)
        return view(request, *args, **kwargs)

    return wrapped


def _visible_fiche(fiche_id):
    fiche = FichePage.objects.visible().filter(pk=fiche_id).first()
    if fiche is None:
        raise Http404(_("Fiche introuvable."))
    return fiche


def _send_orientation(request, form, fiche, structure):
    """Creates the orientation once per form (its hidden key): a second click finds the first."""
    orientation = form.save(commit=False)
    orientation.sender = request.user
    orientation.fiche = fiche
    orientation.fiche_title = fiche.title[:255] if fiche else ""
    orientation.structure = structure
    orientation.structure_title = structure.title[:255]
    orientation.recipient_email = structure.orientation_contact
    orientation.consent_at = timezone.now()
    orientation.submission = form.cleaned_data["submission"]
    try:
        with transaction.atomic():
            orientation.save()
    except IntegrityError:
        orientation = Orientation.objects.get(sender=request.user, submission=orientation.submission)
    messages.success(
        request,
        _(
            "Votre orientation n° %(ref)d a été envoyée à « %(place)s ». Vous recevrez un courriel à sa réponse."
        )
        % {"ref": orientation.pk, "place": orientation.structure_title},
    )
    return redirect("fiches:my_orientations")


@professional_required
def orient_from_fiche(request, fiche_id):
    fiche = _visible_fiche(fiche_id)
    # The nearest first when the agent has chosen the person's commune (the search's, or the
    # one the session remembers); otherwise the fiche's own order.
    commune, _typed, _candidates = chosen_commune(request)
    places = [s for s, _km in fiche.nearest_places(commune)]
    reachable = [s for s in places if s.orientation_contact]
    unreachable = [s for s in places if not s.orientation_contact]
    form = OrientationForm(request.POST or None, places=reachable) if reachable else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            return _send_orientation(request, form, fiche, form.cleaned_data["structure"])
        status = 400
    context = {
        "fiche": fiche,
        "structure": None,
        "commune": commune if commune is not None and commune.has_position else None,
        "form": form,
        "unreachable": unreachable,
        "consent": consent_text(reachable[0].title if len(reachable) == 1 else None),
    }
    return render(request, "fiches/orientation/form.html", context, status=status)


@professional_required
def orient_to_structure(request, structure_id):
    structure = StructurePage.objects.visible().filter(pk=structure_id).first()
    if structure is None:
        raise Http404(_("Lieu introuvable."))
    form = OrientationForm(request.POST or None) if structure.orientation_contact else None
    status = 200
    if form is not None and request.method == "POST":
        if form.is_valid():
            return _send_orientation(request, form, None, structure)
        status = 400
    context = {
        "fiche": None,
        "structure": structure,
        "form": form,
        "unreachable": [],
        "consent": consent_text(structure.title),
    }
    return render(request, "fiches/orientation/form.html", context, status=status)


@professional_required
def my_orientations(request):
    orientations = (
        Orientation.objects.sent_by(request.user).select_related("fiche", "structure").order_by("-created_at")
    )
    return render(request, "fiches/orientation/mine.html", {"orientations": orientations})


@never_cache
def orientation_answer(request, signed):
    try:
        orientation = Orientation.from_token(signed)
    except signing.SignatureExpired:
        return render(request, "fiches/orientation/link_refused.html", {"expired": True}, status=410)
    except (signing.BadSignature, Orientation.DoesNotExist, ValueError, TypeError):
        return render(request, "fiches/orientation/link_refused.html", {"expired": False}, status=403)
    status = 200
    form = None
    if orientation.is_waiting and not orientation.is_anonymised:
        form = AnswerForm(request.POST or None, orientation=orientation)
        if request.method == "POST":
            if form.is_valid():
                data = form.cleaned_data
                if orientation.answer(
                    data["status"], data["refusal_reason"], data["comment"].strip(), data["redirected_to"]
                ):
                    messages.success(request, _("Merci : votre réponse est enregistrée et transmise."))
                return redirect("fiches:orientation_answer", signed=signed)
            status = 400
    elif request.method == "POST":
        messages.error(
            request, _("Cette orientation a déjà reçu une réponse : ce lien ne sert plus à répondre.")
        )
        status = 409
    return render(
        request,
        "fiches/orientation/answer.html",
        {"orientation": orientation, "form": form},
        status=status,
    )


# --- "Envoyer à la personne" ---------------------------------------------------------------


def _daily_count_exceeded(user):
    """Counts one message of `user` today; True beyond FICHES_SEND_TO_PERSON_DAILY_LIMIT. The
    count (a number under the user's id and the day) is all the cache keeps."""
    key = f"send-to-person:{user.pk}:{timezone.localdate().isoformat()}"
    return over_limit(key, settings.FICHES_SEND_TO_PERSON_DAILY_LIMIT, 86400)


@professional_required
def send_to_person(request, fiche_id):
    fiche = _visible_fiche(fiche_id)
    commune, _typed, _candidates = chosen_commune(request)
    places = [s for s, _d in fiche.nearest_places(commune, limit=PLACES_SENT)]
    form = SendToPersonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif _daily_count_exceeded(request.user):
            messages.error(
                request,
                _(
                    "Vous avez atteint la limite de %(n)d envois par jour. Réessayez demain ou "
                    "imprimez la fiche."
                )
                % {"n": settings.FICHES_SEND_TO_PERSON_DAILY_LIMIT},
            )
            status = 429
        else:
            context = {
                "fiche": fiche,
                "places": places,
                "commune": commune,
                "url": public_url(fiche.url or "/"),
            }
            email, phone = form.cleaned_data["email"], form.cleaned_data["phone"]
            if email:
                send_mail(
                    _("Repères : %(title)s") % {"title": fiche.title},
                    render_to_string("fiches/orientation/emails/to_person.txt", context),
                    settings.DEFAULT_FROM_EMAIL,
                    [email],
                )
            sms_failed = False
            if phone:
                try:
                    sms.send_sms(
                        phone, render_to_string("fiches/orientation/sms_to_person.txt", context).strip()
                    )
                except Exception:  # noqa: BLE001 — any provider's failure: said, and the form kept
                    logger.exception("SMS provider failed")  # the number is not logged
                    sms_failed = True
            if sms_failed:
                messages.error(
                    request,
                    _(
                        "Le SMS n’a pas pu partir (service d’envoi indisponible). Réessayez plus tard"
                        " ou indiquez un courriel."
                    )
                    + (" " + _("Le courriel, lui, est parti.") if email else ""),
                )
                status = 502
            else:
                # The address is in no record: the outbox keeps the e-mail until it is sent.
                messages.success(request, _("La fiche a été envoyée à la personne."))
                return redirect(fiche.url or "/")
    return render(
        request,
        "fiches/orientation/send_to_person.html",
        {"fiche": fiche, "form": form, "commune": commune, "places": places},
        status=status,
    )
