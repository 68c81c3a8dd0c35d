"""One-page A4 handouts, rendered on the fly with WeasyPrint.

- WeasyPrint is imported here, once per worker, not per request.
- It never fetches anything outside the site's own static and media files
  (`LocalOnlyURLFetcher`): a missing logo or an external image in the content is skipped,
  the PDF is produced without it.
- A handout never takes more than one page: `fit_to_one_page` gives way in the order of
  FIT_LEVELS (a little smaller type, far places, secondary hours, long free texts cut at a
  sentence's end, smaller type; the lists of conditions, steps and documents last), with a
  visible "…" and a "suite en ligne" note beside the QR code that leads to the online fiche.
- PDFs are cached per page revision, commune, audience and day (the printing date is on the
  sheet) and the results generation (fiches.result_cache: any page, taxonomy, view restriction
  or site setting saved makes new ones). A selection's PDF is cached the same way, keyed by
  each of its fiches' revision and audience.
"""

import hashlib
import mimetypes
import re
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

from territories.links import page_public_url, public_url, url_from_setting

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
    return public_url(path) if path else None


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
        online_url=page_public_url(fiche, request),
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
    if structure.holder is not None:
        meta.append((_("Tenue par"), structure.holder.title))
    sections = []
    held = [
        " — ".join(
            part
            for part in (
                place.title,
                place.full_address(),
                " ; ".join(f"{when} : {text}" if when else text for when, text in place.hours_summary()),
            )
            if part
        )
        for place in structure.held_places()
    ]
    if held:
        sections.append(Section(_("Permanences et arrêts"), held))
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
        online_url=page_public_url(structure, request),
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


@dataclass(frozen=True)
class FitLevel:
    """How much one rendering of a sheet gives way; each level gives way at least as much as
    the one before, in the order the sheet's readers can best spare: a little smaller type,
    then the far places, then the secondary hours, then long free texts (summary, "À savoir",
    professional note, cut at a sentence's end), then smaller type again. The lists of
    conditions, steps and documents are clamped only by the last levels, tried once everything
    else has given way and the sheet is still full."""

    font_size: float
    places: int = PLACES_ON_HANDOUT
    hours_lines: int | None = None  # opening-hours lines kept per place
    free_chars: int | None = None  # characters kept of each long free text
    max_items: int | None = None  # items kept per list of conditions, steps, documents
    item_chars: int | None = None  # characters kept of each such item


FIT_LEVELS = [
    FitLevel(10.5),
    FitLevel(10),
    FitLevel(9.5),
    FitLevel(9.5, places=2),
    FitLevel(9.5, places=1),
    FitLevel(9.5, places=1, hours_lines=2),
    FitLevel(9.5, places=1, hours_lines=2, free_chars=600),
    FitLevel(9, places=1, hours_lines=2, free_chars=400),
    FitLevel(8.5, places=1, hours_lines=2, free_chars=250),
    FitLevel(8, places=1, hours_lines=1, free_chars=160),
    FitLevel(7.5, places=1, hours_lines=1, free_chars=160),
    # The sheet is full: only now do the lists give way.
    FitLevel(7.5, places=1, hours_lines=1, free_chars=120, max_items=12, item_chars=220),
    FitLevel(7.5, places=1, hours_lines=1, free_chars=120, max_items=8, item_chars=160),
    FitLevel(7, places=1, hours_lines=1, free_chars=100, max_items=5, item_chars=120),
    FitLevel(7, places=1, hours_lines=1, free_chars=80, max_items=3, item_chars=90),
    FitLevel(7, places=1, hours_lines=1, free_chars=60, max_items=2, item_chars=60),
]
# The first level at which a list of conditions, steps or documents may lose items.
FIRST_LIST_LEVEL = next(i for i, level in enumerate(FIT_LEVELS) if level.max_items is not None)
ELLIPSIS = "…"
# Between two sentences: an end mark (possibly closed by a quote or a bracket), then a capital.
SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][»”)]))\s+(?=[«“(\"A-ZÀ-ÖØ-Þ])")


def _clip(text, limit):
    """`text` cut at a word boundary before `limit` characters, with a visible "…"."""
    if limit is None or len(text) <= limit:
        return text, False
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.") + " " + ELLIPSIS, True


def _sentences(text, limit):
    """The whole sentences of `text` that fit in `limit` characters (at least the first one),
    followed by "…" when some were left out: never a sentence cut in its middle."""
    if limit is None or len(text) <= limit:
        return text, False
    sentences = SENTENCE_END.split(text)
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept = f"{kept} {sentence}"
    if kept == text:
        return text, False
    return f"{kept} {ELLIPSIS}", True


def _free_text(items, limit):
    """Paragraphs of free text kept to `limit` characters in all, at sentence boundaries."""
    if limit is None:
        return list(items), False
    kept, used = [], 0
    for item in items:
        if used and used + len(item) > limit:
            return [*kept, ELLIPSIS], True
        text, cut = _sentences(item, max(limit - used, 1))
        kept.append(text)
        used += len(text)
        if cut:
            return kept, True
    return kept, False


def _clamp_sections(sections, level):
    clipped, truncated = [], False
    for section in sections:
        if not section.as_list:
            items, cut = _free_text(section.items, level.free_chars)
            truncated |= cut
            clipped.append(Section(section.heading, items, section.ordered, section.as_list))
            continue
        items = section.items
        if level.max_items is not None and len(items) > level.max_items:
            items, truncated = items[: level.max_items] + [ELLIPSIS], True
        new_items = []
        for item in items:
            text, cut = _clip(item, level.item_chars)
            truncated |= cut
            new_items.append(text)
        clipped.append(Section(section.heading, new_items, section.ordered, section.as_list))
    return clipped, truncated


def _fit_places(places, level):
    kept, truncated = places[: level.places], len(places) > level.places
    if level.hours_lines is not None:
        for i, place in enumerate(kept):
            hours = place["hours"] or []
            if len(hours) > level.hours_lines:
                kept[i] = {**place, "hours": [*hours[: level.hours_lines], ("", ELLIPSIS)]}
                truncated = True
    return kept, truncated


def qr_data_uri(url):
    return segno.make(url, error="m").svg_data_uri(scale=3, border=0)


def handout_html(handout, branding, level=0, printed_on=None):
    fit = FIT_LEVELS[level]
    sections, truncated = _clamp_sections(handout.sections, fit)
    pro_sections = []
    for section in handout.pro_sections:
        # The professional note is free text: whole sentences, never one cut in its middle.
        items, cut = _free_text(section.items, fit.free_chars)
        pro_sections.append(Section(section.heading, items))
        truncated |= cut
    summary, summary_cut = _sentences(handout.summary, fit.free_chars)
    title, title_cut = _clip(handout.title, 200 if fit.max_items else None)
    places, places_cut = _fit_places(handout.places, fit)
    context = {
        "h": handout,
        "title": title,
        "summary": summary,
        "sections": sections,
        "pro_sections": pro_sections,
        "places": places,
        "truncated": truncated or summary_cut or title_cut or places_cut,
        "font_size": fit.font_size,
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


def fit(handout, branding):
    """(document, level): the handout rendered on exactly one A4 page at the first level of
    FIT_LEVELS that fits, i.e. giving way as little as the sheet allows.

    Most sheets fit as they are (one rendering). Otherwise, since each level gives way at
    least as much as the one before, a binary search over the levels finds the first that
    fits in about four more renderings.
    """
    document = render_document(handout_html(handout, branding, 0))
    if len(document.pages) == 1:
        return document, 0
    low, high, best = 1, len(FIT_LEVELS) - 1, None
    while low <= high:
        level = (low + high) // 2
        candidate = render_document(handout_html(handout, branding, level))
        if len(candidate.pages) == 1:
            best, high = (candidate, level), level - 1
        else:
            low = level + 1
    if best is not None:
        return best
    # Even the tightest level overflowed (absurd input): keep the first page, whose footer
    # carries the "suite en ligne" mark and the QR code.
    last = len(FIT_LEVELS) - 1
    document = render_document(handout_html(handout, branding, last))
    return document.copy(document.pages[:1]), last


def fit_to_one_page(handout, branding):
    """The handout rendered on exactly one A4 page, with the least clamping that fits."""
    return fit(handout, branding)[0]


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


def write_pdf(document):
    """The PDF of a rendered sheet: tagged PDF/UA-1 (structure tree in reading order, language
    from `<html lang>`, title from `<title>` shown as the window's title) for screen readers."""
    return document.write_pdf(pdf_variant="pdf/ua-1")


def merge_one_page_documents(documents):
    first = documents[0]
    return write_pdf(first.copy([page for document in documents for page in document.pages]))
