"""The commune an agent chose (typed, picked from candidates, or remembered for the session)."""

from django.contrib import messages
from django.utils.translation import gettext as _

from territories.models import Commune

MAX_CANDIDATES = 15


def clean_text(value, max_length):
    """Text from the query string: control characters (NUL breaks PostgreSQL) dropped, trimmed."""
    return "".join(c for c in (value or "") if c.isprintable()).strip()[:max_length]


def chosen_commune(request):
    """(commune, what was typed, candidates): the commune chosen in the form, or remembered
    for the session; when the text is ambiguous (a postal code shared by several communes, a
    partial name), the communes it could mean."""
    insee = clean_text(request.GET.get("insee"), 5)
    if insee:
        commune = Commune.objects.of_departement().filter(insee_code=insee).first()
        if commune is not None:
            remember(request, commune)
            return commune, commune.name, []
    typed = request.GET.get("commune")
    if typed is None:
        code = request.session.get("commune")
        commune = Commune.objects.filter(insee_code=code).first() if code else None
        return commune, commune.name if commune else "", []
    typed = clean_text(typed, 100)
    if not typed:
        request.session.pop("commune", None)
        return None, "", []
    communes = Commune.objects.of_departement()
    commune = communes.resolve(typed)
    if commune is not None:
        remember(request, commune)
        return commune, typed, []
    candidates = list(communes.matching(typed)[:MAX_CANDIDATES])
    if candidates:
        messages.info(
            request,
            _("Plusieurs communes correspondent à « %(typed)s » : précisez laquelle.") % {"typed": typed},
        )
    else:
        messages.warning(
            request,
            _("Commune « %(typed)s » introuvable dans le département : vérifiez le nom ou le code postal.")
            % {"typed": typed},
        )
    return None, typed, candidates


def remember(request, commune):
    # Only a change is written: an unchanged session costs no database write.
    if request.session.get("commune") != commune.insee_code:
        request.session["commune"] = commune.insee_code
