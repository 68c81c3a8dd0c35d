"""The base template the public pages of fiches, territories and moderation extend."""

from django.conf import settings


def base_template(request):
    """`reperes_base_template`: the host site's base template (REPERES_BASE_TEMPLATE, default
    "base.html"), which provides the blocks title, extra_head, body_class and content."""
    return {"reperes_base_template": getattr(settings, "REPERES_BASE_TEMPLATE", "base.html")}
