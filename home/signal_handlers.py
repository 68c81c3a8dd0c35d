"""Cached values that pages are built from, dropped when their source changes: printed handouts
(structures, branding), "is any site private", the sites with their root page, and the site's
chrome (main sections, département name). See the README, "Caches"."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from fiches.handouts import GENERATION as HANDOUT_GENERATION
from fiches.models import FicheIndexPage
from territories.caching import forget, now_and_after_commit
from territories.models import DepartementPage, StructureIndexPage, StructurePage

from .context_processors import forget_site_chrome
from .middleware import PRIVATE_SITES_KEY, forget_sites, is_cached_site_root
from .models import SiteSettings

SECTION_PAGES = (FicheIndexPage, StructureIndexPage, DepartementPage)


@receiver(post_save, sender=SiteSettings)
def forget_public_access(sender, **kwargs):
    forget(PRIVATE_SITES_KEY)


@receiver(page_published, sender=StructurePage)
@receiver(page_unpublished, sender=StructurePage)
@receiver(post_save, sender=SiteSettings)
def invalidate_handouts(sender, **kwargs):
    transaction.on_commit(HANDOUT_GENERATION.bump)


@receiver(post_save, sender=SiteSettings)
def forget_chrome_of_settings(sender, **kwargs):
    now_and_after_commit(forget_site_chrome)


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def forget_chrome_of_sites(sender, **kwargs):
    now_and_after_commit(forget_site_chrome)
    now_and_after_commit(forget_sites)


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
@receiver(post_delete)
def forget_chrome_of_sections(sender, **kwargs):
    # A section renamed, published, unpublished, moved or deleted (post_page_move and
    # post_delete name the generic class: the instance tells).
    instance = kwargs.get("instance")
    if issubclass(sender, SECTION_PAGES) or isinstance(instance, SECTION_PAGES):
        now_and_after_commit(forget_site_chrome)
    # The cached sites carry their root page (see CachedSiteMiddleware), and its tree path.
    if kwargs.get("signal") is post_page_move or (
        isinstance(instance, Page) and is_cached_site_root(instance.pk)
    ):
        now_and_after_commit(forget_sites)
