from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires et structures")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.models import PageViewRestriction

        from .restrictions import forget_view_restrictions

        post_save.connect(
            forget_view_restrictions, sender=PageViewRestriction, dispatch_uid="reperes-pvr-save"
        )
        post_delete.connect(
            forget_view_restrictions, sender=PageViewRestriction, dispatch_uid="reperes-pvr-del"
        )
