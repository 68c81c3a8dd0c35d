"""Printed handouts list structures and carry the site's branding: when either changes, the
cached PDFs of every page are stale."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from fiches.handouts import bump_generation
from territories.models import StructurePage

from .models import SiteSettings


@receiver(post_save, sender=SiteSettings)
def forget_public_access(sender, **kwargs):
    from django.core.cache import cache

    from .middleware import PRIVATE_SITES_KEY

    # Now, so this request sees the change; and again after the commit, in case another
    # process read the old value into the cache meanwhile.
    cache.delete(PRIVATE_SITES_KEY)
    transaction.on_commit(lambda: cache.delete(PRIVATE_SITES_KEY))


@receiver(page_published, sender=StructurePage)
@receiver(page_unpublished, sender=StructurePage)
@receiver(post_save, sender=SiteSettings)
def invalidate_handouts(sender, **kwargs):
    transaction.on_commit(bump_generation)
