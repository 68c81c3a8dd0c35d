from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TerritoriesConfig(AppConfig):
    name = "territories"
    verbose_name = _("Territoires et structures")
    default_auto_field = "django.db.models.BigAutoField"
