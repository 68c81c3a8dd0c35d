from django.contrib.auth import get_user_model
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus.pages import PageMenuItem
from wagtail_modeladmin.options import modeladmin_register

from . import consultations
from .accounts import accounts_view, invite_view, my_pages_view
from .desk import indicators_view, refused, to_verify_view, verify_view
from .models import ErrorReport
from .needs import NeedsReportView
from .roles import account_change_refusal, is_moderator
from .viewsets import ErrorReportAdmin, bulk_status
from .workflow import add_owner, owned_first

modeladmin_register(ErrorReportAdmin)


@hooks.register("register_admin_urls")
def register_bulk_url():
    return [
        path("signalements/statut/", bulk_status, name="moderation_bulk_status"),
        path("comptes/", accounts_view, name="moderation_accounts"),
        path("comptes/inviter/", invite_view, name="moderation_invite"),
        path("mes-pages/", my_pages_view, name="moderation_my_pages"),
        path("reperes/verifier/<int:pk>/", verify_view, name="moderation_verify"),
        path("reperes/a-verifier/", to_verify_view, name="moderation_to_verify"),
        path("reperes/indicateurs/", indicators_view, name="moderation_indicators"),
        path("reperes/besoins-sans-reponse/", NeedsReportView.as_view(), name="moderation_needs"),
        path(
            "reperes/besoins-sans-reponse/resultats/",
            NeedsReportView.as_view(results_only=True),
            name="moderation_needs_results",
        ),
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


# --- Accounts: only administrators grant or touch the privileged roles (roles.py) ----------


def _refused(request, refusal):
    return refused(request, refusal) if refusal else None


def _submitted_role(request):
    return dict(
        is_superuser=bool(request.POST.get("is_superuser")),
        group_ids=[*request.POST.getlist("groups"), *request.POST.getlist("role")],
    )


@hooks.register("before_create_user")
def only_administrators_create_privileged_accounts(request):
    if request.method == "POST":
        return _refused(request, account_change_refusal(request.user, **_submitted_role(request)))


@hooks.register("before_edit_user")
def only_administrators_change_privileged_accounts(request, user):
    values = _submitted_role(request) if request.method == "POST" else {}
    return _refused(request, account_change_refusal(request.user, user, **values))


@hooks.register("before_delete_user")
def only_administrators_delete_privileged_accounts(request, user):
    return _refused(request, account_change_refusal(request.user, user))


@hooks.register("before_bulk_action")
def only_administrators_act_on_privileged_accounts(request, action_type, objects, action):
    if get_user_model() not in action.models:
        return None
    values = _submitted_role(request) if request.method == "POST" else {}
    for user in objects:
        refusal = account_change_refusal(request.user, user, **values)
        if refusal:
            return _refused(request, refusal)
    return _refused(request, account_change_refusal(request.user, **values))


# --- Owned pages: own what you create (the rest is territories.ownership's rule) ----------


@hooks.register("after_create_page")
def creator_owns_the_new_page(request, page):
    if hasattr(page.specific, "owners"):
        add_owner(page, request.user)


@hooks.register("construct_explorer_page_queryset")
def show_own_pages_first(parent_page, pages, request):
    if is_moderator(request.user):
        return pages
    return owned_first(pages, request.user)


# --- Consultations ---------------------------------------------------------------------------


@hooks.register("before_serve_page")
def count_consultation(page, request, serve_args, serve_kwargs):
    if consultations.should_count(page, request):
        consultations.record(page, visit=consultations.starts_visit(request))


# --- Freshness and indicators --------------------------------------------------------------


@hooks.register("register_log_actions")
def register_verified_action(actions):
    from .freshness import VERIFIED_ACTION

    actions.register_action(
        VERIFIED_ACTION, _("Confirmé toujours exact"), _("Informations confirmées toujours exactes")
    )


@hooks.register("register_admin_menu_item")
def to_verify_menu_item():
    from wagtail.admin.menu import MenuItem

    return MenuItem(_("À vérifier"), reverse("moderation_to_verify"), icon_name="warning", order=150)


@hooks.register("register_admin_menu_item")
def indicators_menu_item():
    from wagtail.admin.menu import MenuItem

    class ModeratorsMenuItem(MenuItem):
        def is_shown(self, request):
            return is_moderator(request.user)

    return ModeratorsMenuItem(
        _("Indicateurs"), reverse("moderation_indicators"), icon_name="doc-full", order=155
    )


@hooks.register("register_admin_menu_item")
def needs_menu_item():
    from wagtail.admin.menu import MenuItem

    class NeedsMenuItem(MenuItem):
        def is_shown(self, request):
            return request.user.has_perm("fiches.view_unansweredsearch")

    return NeedsMenuItem(
        _("Besoins sans réponse"), reverse("moderation_needs"), icon_name="search", order=156
    )


class VerifyButton(PageMenuItem):
    """ "Toujours exact": confirm in one click, in the page header and the listings' menu."""

    label = _("Toujours exact")
    icon_name = "tick"
    url_name = "moderation_verify"

    def is_shown(self, user):
        specific_class = self.page.specific_class
        return (
            specific_class is not None
            and hasattr(specific_class, "review_due_on")
            and self.page.permissions_for_user(user).can_edit()
        )


@hooks.register("register_page_listing_more_buttons")
def verify_listing_button(page, user, next_url=None):
    yield VerifyButton(page=page, next_url=next_url, priority=3)


@hooks.register("register_page_header_buttons")
def verify_header_button(page, user, view_name, next_url=None):
    yield VerifyButton(page=page, next_url=next_url, priority=20)
