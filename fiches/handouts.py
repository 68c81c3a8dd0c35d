"""One-page A4 handouts, rendered on the fly with WeasyPrint.

- WeasyPrint is imported here, once per worker, not per request.
- It never fetches anything outside the site's own static and media files
  (`LocalOnlyURLFetcher`): a missing logo or an external image in the content is skipped,
  the PDF is produced without it.
- A handout never takes more than one page: `fit_to_one_page` tries smaller type, then
  clamps long texts and lists with a visible "…" and a "suite en ligne" note beside the QR
  code that leads to the online fiche.
- PDFs are cached per page revision, commune, audience and day (the printing date is on the
  sheet) and the results generation (fiches.result_cache: any page, taxonomy, view restriction
  or site setting saved makes new ones). A selection's PDF is cached the same way, keyed by
  each of its fiches' revision and audience.
"""

import hashlib
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
import weasyprint
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from weasyprint.urls import URLFetcher, URLFetcherResponse

from territories.links import url_from_setting

from . import result_cache
from .result_cache import GENERATION

# The base URL WeasyPrint resolves relative URLs against; it is never contacted.
INTERNAL_BASE_URL = "http://reperes.internal/"
PLACES_ON_HANDOUT = 3


class LocalOnlyURLFetcher(URLFetcher):
    """Serves data: URIs and the site's static and media files; refuses everything else."""

    def __init__(self):
        super().__init__(fail_on_errors=False)

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = local_path_for(url)
        if path is None:
            raise ValueError(f"Ressource externe non chargée : {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})


def local_path_for(url):
    """The file behind one of our own static or media URLs, or None."""
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}/" != INTERNAL_BASE_URL:
        return None
    path = unquote(parts.path)
    if path.startswith(settings.STATIC_URL):
        found = finders.find(path.removeprefix(settings.STATIC_URL))
        if found:
            return Path(found)
        root, relative = Path(settings.STATIC_ROOT), path.removeprefix(settings.STATIC_URL)
    elif path.startswith(settings.MEDIA_URL):
        root, relative = Path(settings.MEDIA_ROOT), path.removeprefix(settings.MEDIA_URL)
    else:
        return None
    candidate = (root / relative).resolve()
    if not candidate.is_relative_to(root.resolve()) or not candidate.is_file():
        return None
    return candidate


# --- Branding ---------------------------------------------------------------------------


@dataclass
class Branding:
    """What the sheet says of who prints it. A site provides it through the setting
    FICHES_HANDOUT_BRANDING, the dotted path of a callable(request) -> Branding."""

    departement_name: str
    logo_url: str | None = None  # an URL under INTERNAL_BASE_URL, or None
    footer: str = ""


def branding_for(request):
    path = getattr(settings, "FICHES_HANDOUT_BRANDING", None)
    if path:
        return import_string(path)(request)
    return Branding(settings.REPERES_DEPARTEMENT["name"])


# --- Content ----------------------------------------------------------------------------


@dataclass
class Section:
    heading: str
    items: list
    ordered: bool = False
    as_list: bool = True


@dataclass
class Handout:
    title: str
    summary: str
    online_url: str
    verified_on: object
    kind_label: str
    meta: list = field(default_factory=list)  # (label, value) lines under the title
    sections: list = field(default_factory=list)
    places: list = field(default_factory=list)  # dicts: name, address, phone, hours, distance
    pro_sections: list = field(default_factory=list)
    commune: object = None
    report_url: str | None = None  # short "signaler une erreur" address


def _report_url(page, request):
    path = url_from_setting("REPERES_REPORT_SHORT_URL_NAME", page.pk)
    return request.build_absolute_uri(path) if path else None


def _text_items(html):
    """Rich text as plain items: list entries, or paragraphs."""
    soup = BeautifulSoup(html or "", "html.parser")
    items = [li.get_text(" ", strip=True) for li in soup.find_all("li")]
    if not items:
        items = [p.get_text(" ", strip=True) for p in soup.find_all(["p", "h2", "h3", "h4"])]
    if not items and soup.get_text(strip=True):
        items = [soup.get_text(" ", strip=True)]
    return [i for i in items if i]


def fiche_sections(fiche):
    sections = []
    publics = [p.name for p in fiche.publics.all()]
    if publics:
        sections.append(Section(_("Pour qui"), [", ".join(publics)], as_list=False))
    for block in fiche.body:
        kind, value = block.block_type, block.value
        if kind == "conditions":
            sections.append(Section(_("Conditions"), _text_items(value.source)))
        elif kind == "documents":
            sections.append(Section(_("Pièces à fournir"), [str(v) for v in value]))
        elif kind == "steps":
            sections.append(Section(_("Comment faire"), [str(v) for v in value], ordered=True))
        elif kind == "cost":
            text = _("Gratuit") if value.get("is_free") else ""
            if value.get("details"):
                text = f"{text} — {value['details']}" if text else value["details"]
            if text:
                sections.append(Section(_("Coût"), [text], as_list=False))
        elif kind == "section":
            items = _text_items(value["text"].source)
            if items:
                sections.append(Section(value.get("heading") or _("À savoir"), items, as_list=False))
    return sections


def place_entry(structure, distance=None):
    return {
        "name": structure.title,
        "address": structure.full_address(),
        "phone": structure.phone,
        "email": structure.email,
        "hours": structure.hours_summary(),
        "distance": distance,
    }


def fiche_handout(fiche, request, commune=None, include_pro=False):
    places = fiche.nearest_places(commune, limit=PLACES_ON_HANDOUT)
    handout = Handout(
        title=fiche.title,
        summary=fiche.summary,
        online_url=fiche.get_full_url(request),
        verified_on=fiche.last_verified,
        kind_label=_("Fiche"),
        sections=fiche_sections(fiche),
        places=[place_entry(s, d) for s, d in places],
        commune=commune,
        report_url=_report_url(fiche, request),
    )
    if include_pro and fiche.pro_content:
        handout.pro_sections = [Section(_("Usage professionnel"), _text_items(fiche.pro_content))]
    return handout


def structure_handout(structure, request, include_pro=False):
    meta = [(_("Type"), structure.kind_label)]
    sections = []
    if structure.description:
        sections.append(Section(_("Présentation"), [structure.description], as_list=False))
    if structure.notice:
        sections.append(Section(_("Avis"), [structure.notice], as_list=False))
    if structure.practical_info:
        sections.append(Section(_("Informations pratiques"), structure.practical_info.splitlines()))
    accessibility = structure.get_accessibility_display()
    if structure.accessibility_details:
        accessibility = f"{accessibility} — {structure.accessibility_details}"
    sections.append(Section(_("Accessibilité"), [accessibility], as_list=False))
    handout = Handout(
        title=structure.title,
        summary=structure.full_address(),
        online_url=structure.get_full_url(request),
        verified_on=structure.last_verified,
        kind_label=_("Structure"),
        meta=meta,
        sections=sections,
        places=[place_entry(structure)],
        report_url=_report_url(structure, request),
    )
    if include_pro:
        items = [t for t in (structure.pro_contacts, structure.pro_notes) if t]
        if items:
            handout.pro_sections = [Section(_("Usage professionnel"), items)]
    return handout


# --- Rendering and fitting --------------------------------------------------------------

# (font size in pt, max items per list, max characters per item, max summary characters)
FIT_LEVELS = [
    (10.5, None, None, None),
    (9.5, None, None, None),
    (8.5, None, None, None),
    (8.5, 8, 260, 600),
    (8, 5, 160, 350),
    (7.5, 3, 100, 200),
    (7.5, 2, 60, 120),
]
ELLIPSIS = "…"


def _clip(text, limit):
    if limit is None or len(text) <= limit:
        return text, False
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + " " + ELLIPSIS, True


def _clamp_sections(sections, max_items, max_chars):
    clipped, truncated = [], False
    for section in sections:
        items = section.items
        if max_items is not None and len(items) > max_items:
            items, truncated = items[:max_items] + [ELLIPSIS], True
        new_items = []
        for item in items:
            text, cut = _clip(item, max_chars)
            truncated |= cut
            new_items.append(text)
        clipped.append(Section(section.heading, new_items, section.ordered, section.as_list))
    return clipped, truncated


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0)


def handout_html(handout, branding, level=0, printed_on=None):
    size, max_items, max_chars, max_summary = FIT_LEVELS[level]
    sections, truncated = _clamp_sections(handout.sections, max_items, max_chars)
    pro_sections, pro_cut = _clamp_sections(handout.pro_sections, max_items, max_chars)
    summary, summary_cut = _clip(handout.summary, max_summary)
    title, title_cut = _clip(handout.title, 200 if max_items else None)
    places = handout.places
    if max_items is not None and max_items < 3:
        places = places[:1]
    context = {
        "h": handout,
        "title": title,
        "summary": summary,
        "sections": sections,
        "pro_sections": pro_sections,
        "places": places,
        "truncated": truncated or pro_cut or summary_cut or title_cut or len(places) < len(handout.places),
        "font_size": size,
        "qr": qr_data_uri(handout.online_url),
        "printed_on": printed_on or timezone.localdate(),
        "departement_name": branding.departement_name,
        "logo_url": branding.logo_url,
        "footer": branding.footer,
    }
    return render_to_string("fiches/handout.html", context)


_stylesheet = None


def handout_stylesheet():
    """The sheet's CSS, parsed once per worker (parsing it costs a fifth of a rendering)."""
    global _stylesheet
    if _stylesheet is None:
        path = finders.find("fiches/handout.css")
        _stylesheet = weasyprint.CSS(filename=path, url_fetcher=LocalOnlyURLFetcher())
    return _stylesheet


def render_document(html):
    return weasyprint.HTML(string=html, base_url=INTERNAL_BASE_URL, url_fetcher=LocalOnlyURLFetcher()).render(
        stylesheets=[handout_stylesheet()]
    )


def fit_to_one_page(handout, branding):
    """The handout rendered on exactly one A4 page, with the least clamping that fits.

    Most sheets fit as they are (one rendering). Otherwise, since each level is tighter than
    the one before, a binary search over the levels finds the first that fits in about three
    more renderings.
    """
    document = render_document(handout_html(handout, branding, 0))
    if len(document.pages) == 1:
        return document
    low, high, best = 1, len(FIT_LEVELS) - 1, None
    while low <= high:
        level = (low + high) // 2
        candidate = render_document(handout_html(handout, branding, level))
        if len(candidate.pages) == 1:
            best, high = candidate, level - 1
        else:
            low = level + 1
    if best is not None:
        return best
    # Even the tightest level overflowed (absurd input): keep the first page, whose footer
    # carries the "suite en ligne" mark and the QR code.
    document = render_document(handout_html(handout, branding, len(FIT_LEVELS) - 1))
    return document.copy(document.pages[:1])


# --- Cache ------------------------------------------------------------------------------


def cache_key(page, commune, include_pro):
    parts = [
        page.pk,
        page.live_revision_id,
        commune.insee_code if commune else "-",
        int(bool(include_pro)),
        timezone.localdate().isoformat(),
        GENERATION.current(),
    ]
    return "handout:" + ":".join(map(str, parts))


def selection_cache_key(fiches, commune, audiences):
    """The key of a selection's PDF: a single handout's key for each fiche, in order (id,
    published revision, audience), hashed to stay short, with the commune, day and generation."""
    fiche_parts = [
        f"{fiche.pk}.{fiche.live_revision_id}.{int(bool(pro))}"
        for fiche, pro in zip(fiches, audiences, strict=True)
    ]
    parts = [
        hashlib.sha256(",".join(fiche_parts).encode()).hexdigest(),
        commune.insee_code if commune else "-",
        timezone.localdate().isoformat(),
        GENERATION.current(),
    ]
    return "handout-selection:" + ":".join(map(str, parts))


def cached_pdf(key, build):
    """The PDF kept under `key` in the results cache (fiches.result_cache), or `build()`."""
    return result_cache.cached(key, build)


def merge_one_page_documents(documents):
    first = documents[0]
    return first.copy([page for document in documents for page in document.pages]).write_pdf()
