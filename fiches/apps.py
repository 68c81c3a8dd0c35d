from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FichesConfig(AppConfig):
    name = "fiches"
    verbose_name = _("Fiches")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.urls import register_converter

        from . import signal_handlers  # noqa: F401
        from .needs import signal_handlers as needs_handlers  # noqa: F401
        from .orientation import signal_handlers as orientation_handlers  # noqa: F401
        from .params import IdConverter, TextConverter

        # <id:pk> and <text:slug> in the URL patterns (fiches.params)
        register_converter(IdConverter, "id")
        register_converter(TextConverter, "text")
