from django.http import HttpResponseForbidden
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail_modeladmin.options import modeladmin_register

from .accounts import accounts_view, invite_view, my_pages_view
from .models import ErrorReport
from .viewsets import ErrorReportAdmin, bulk_status
from .workflow import add_owner, can_edit, is_moderator, owned_first

modeladmin_register(ErrorReportAdmin)


@hooks.register("register_admin_urls")
def register_bulk_url():
    return [
        path("signalements/statut/", bulk_status, name="moderation_bulk_status"),
        path("comptes/", accounts_view, name="moderation_accounts"),
        path("comptes/inviter/", invite_view, name="moderation_invite"),
        path("mes-pages/", my_pages_view, name="moderation_my_pages"),
    ]


@hooks.register("register_admin_search_area")
def my_pages_search_area():
    """For owners, the search lists what they own first: this area comes before "Pages"."""
    from wagtail.admin.search import SearchArea

    class MyPagesSearchArea(SearchArea):
        def is_shown(self, request):
            return not is_moderator(request.user)

    return MyPagesSearchArea(
        _("Mes fiches et structures"),
        reverse("moderation_my_pages"),
        name="mes-pages",
        icon_name="user",
        order=50,
    )


@hooks.register("register_admin_menu_item")
def accounts_menu_item():
    from wagtail.admin.menu import MenuItem

    class AccountsMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("auth.add_user")

    return AccountsMenuItem(
        _("Comptes du réseau"), reverse("moderation_accounts"), icon_name="group", order=160
    )


class OpenReportsPanel(Component):
    name = "open_reports"
    order = 50
    template_name = "moderation/admin/open_reports_panel.html"

    def __init__(self, count):
        self.count = count

    def get_context_data(self, parent_context):
        return {
            "count": self.count,
            "url": reverse(ErrorReportAdmin().url_helper.get_action_url_name("index")),
        }


@hooks.register("construct_homepage_panels")
def add_open_reports_panel(request, panels):
    if request.user.has_perm("moderation.view_errorreport"):
        panels.append(OpenReportsPanel(ErrorReport.objects.visible_to(request.user).open().count()))


# --- Owned pages: edit only what you own, never delete, own what you create ---------------


@hooks.register("before_edit_page")
def refuse_editing_someone_elses_page(request, page):
    if not can_edit(request.user, page):
        return HttpResponseForbidden(
            _("Vous ne pouvez modifier que les fiches et structures dont vous êtes responsable.")
        )


@hooks.register("before_delete_page")
def only_moderators_delete_owned_pages(request, page):
    if hasattr(page.specific, "owners") and not is_moderator(request.user):
        return HttpResponseForbidden(_("Seuls les modérateurs peuvent supprimer une fiche ou une structure."))


@hooks.register("after_create_page")
def creator_owns_the_new_page(request, page):
    if hasattr(page.specific, "owners"):
        add_owner(page, request.user)


@hooks.register("construct_explorer_page_queryset")
def show_own_pages_first(parent_page, pages, request):
    if is_moderator(request.user):
        return pages
    return owned_first(pages, request.user)
