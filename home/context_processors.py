from wagtail.models import Page


def navigation(request):
    """The site's main sections (département, structures, fiches), in one query."""
    from fiches.models import FicheIndexPage
    from territories.models import DepartementPage, StructureIndexPage

    def items():
        pages = Page.objects.live().type(FicheIndexPage, StructureIndexPage, DepartementPage).order_by("path")
        return [{"title": p.title, "url": p.get_url(request)} for p in pages]

    return {"reperes_nav": items}
