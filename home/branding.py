"""The site's branding for printed handouts (FICHES_HANDOUT_BRANDING)."""

from fiches.handouts import INTERNAL_BASE_URL, Branding

from .models import SiteSettings


def handout_branding(request):
    site_settings = SiteSettings.for_request(request)
    logo_url = None
    if site_settings.logo_id:
        try:
            logo_url = INTERNAL_BASE_URL.rstrip("/") + site_settings.logo.file.url
        except (ValueError, OSError):
            logo_url = None  # a logo whose file is gone: the sheet is printed without it
    return Branding(
        departement_name=site_settings.display_departement_name,
        logo_url=logo_url,
        footer=site_settings.handout_footer,
    )
