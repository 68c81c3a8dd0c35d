"""Nobody exceeds their role, on every admin URL.

The URLs are not hand-picked: the admin's URL patterns are read from Django's resolver (Wagtail's
pages, revisions, workflow actions, bulk actions, snippets, users, groups, sites, settings, and
this project's own), each filled with the ids of the objects of its type, and requested by every
role in GET and in a state-changing POST. What each role may open is stated below as a short
list; anything else must be refused, and a refused POST must change nothing in the database.

A filling is only trusted if a superuser can open it: `test_every_admin_url_is_filled_with_real_objects`
fails when a new pattern's arguments are not understood, so that no URL passes unseen.
"""

import re
from dataclasses import dataclass
from itertools import product

import pytest
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.api.views import PagesAdminAPIViewSet
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupPagePermission,
    Page,
    PageLogEntry,
    PageViewRestriction,
    Revision,
    Site,
    TaskState,
    Workflow,
    WorkflowState,
)

from fiches.models import FichePage, Public, Synonym, Theme, UsefulLink
from fiches.taxonomy import install_taxonomy
from moderation.models import ErrorReport
from moderation.roles import Role, install_roles
from moderation.workflow import TASK_NAME
from territories.models import EPCI, CommuneAlias, StructurePage
from tests import builders

# Patterns that are not about permissions: Wagtail's deliberate error page, its catch-all 404,
# and steps of flows that need a token or an upload in progress.
NOT_CHECKED = {
    "wagtailadmin_error_test",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_editing_sessions:ping",
    "wagtailadmin_editing_sessions:release",
    "wagtaildocs:create_multiple_from_uploaded_document",
    "wagtaildocs:delete_upload_multiple",
    "wagtailimages:create_multiple_from_uploaded_image",
    "wagtailimages:delete_upload_multiple",
}
# Patterns that even a superuser cannot open on this site, and why: the role tests still request
# them (all must be refused), and the filling test fails if one of them becomes reachable.
UNREACHABLE_HERE = {
    "wagtailadmin_pages:convert_alias": "no alias pages on this site",
    "wagtailadmin_block_preview": "asked by the editor's JavaScript with a block's id",
    "moderation_errorreport_modeladmin_create": "reports come from the public form only",
    "moderation_errorreport_modeladmin_delete": "reports are never deleted",
    "wagtailsettings:preview_on_edit": "the site settings are not previewable",
    "wagtailsnippets:index": "redirects to the snippet types' own listings",
    "wagtailimages:url_generator": "no dynamic image serve view on this site",
    "wagtailimages:url_generator_output": "no dynamic image serve view on this site",
    "wagtailadmin_login": "a signed-in user is sent to the dashboard",
}
# What anyone may open, signed in or not.
PUBLIC = {
    "wagtailadmin_login",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtail_modeladmin:javascript_catalog",
    "wagtailadmin_sprite",
    None,  # test404 and the catch-all: a 404 page
}
# What an owner may open whatever the page: their dashboard, the explorer and search (titles
# only), the choosers their editor needs, their account, the reports about their pages.
OWNER_ANYWHERE = PUBLIC | {
    "wagtailadmin_home",
    "wagtailadmin_explore_root",
    "wagtailadmin_explore",
    "wagtailadmin_explore_results",
    "wagtailadmin_pages:search",
    "wagtailadmin_pages:search_results",
    "wagtailadmin_choose_page",
    "wagtailadmin_choose_page_child",
    "wagtailadmin_choose_page_search",
    "wagtailadmin_choose_page_chosen_multiple",
    "wagtailadmin_choose_page_external_link",
    "wagtailadmin_choose_page_email_link",
    "wagtailadmin_choose_page_phone_link",
    "wagtailadmin_choose_page_anchor_link",
    "wagtailadmin_tag_autocomplete",
    "wagtailadmin_tag_model_autocomplete",
    "wagtailadmin_account",
    "wagtailadmin_dismissibles",
    "wagtailadmin_block_preview",
    "wagtailadmin_api:pages:listing",
    "wagtailadmin_api:pages:detail",
    "wagtailadmin_api:pages:find",
    "wagtailadmin_api:documents:listing",
    "wagtailadmin_api:documents:detail",
    "wagtailadmin_api:documents:find",
    "wagtailadmin_api:images:listing",
    "wagtailadmin_api:images:detail",
    "wagtailadmin_api:images:find",
    "wagtaildocs_chooser:choose",
    "wagtaildocs_chooser:choose_results",
    "wagtaildocs_chooser:chosen",
    "wagtaildocs_chooser:chosen_multiple",
    "wagtaildocs_chooser:create",
    "wagtaildocs:add_multiple",
    "wagtailimages_chooser:choose",
    "wagtailimages_chooser:choose_results",
    "wagtailimages_chooser:chosen",
    "wagtailimages_chooser:chosen_multiple",
    "wagtailimages_chooser:select_format",
    "wagtailembeds:chooser",
    "wagtailembeds:chooser_upload",
    "wagtailadmin_reports:workflow",
    "wagtailadmin_reports:workflow_results",
    "wagtailadmin_reports:workflow_tasks",
    "wagtailadmin_reports:workflow_tasks_results",
    "wagtailadmin_reports:aging_pages",
    "wagtailadmin_reports:aging_pages_results",
    "wagtailadmin_reports:locked_pages",
    "wagtailadmin_reports:locked_pages_results",
    "wagtailadmin_reports:site_history",
    "wagtailadmin_reports:site_history_results",
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
    "wagtailadmin_pages:type_use",
    "wagtailadmin_pages:type_use_results",
    "wagtaildocs:index",
    "wagtaildocs:index_results",
    "wagtaildocs:add",
    "moderation_errorreport_modeladmin_index",
    "moderation_my_pages",
    # The orientations received by their structures (none of other structures: tests/fiches/test_orientation.py).
    "fiches_orientations_received",
    "moderation_to_verify",
    # The reference data owners read (communes, EPCI), and every chooser of their editor.
    *(
        f"wagtailsnippets_territories_{model}:{view}"
        for model in ("commune", "epci")
        for view in ("list", "list_results")
    ),
    *(
        f"wagtailsnippetchoosers_{label}:{view}"
        for label in (
            "fiches_theme",
            "fiches_public",
            "fiches_usefullink",
            "territories_commune",
            "territories_epci",
            "territories_communealias",
            # Wagtail gives every snippet a chooser open to the admin's users: the synonyms
            # search widens are no secret (they change only through the moderators' screens).
            "fiches_synonym",
        )
        for view in ("choose", "choose_results", "chosen", "chosen_multiple")
    ),
}
# Wagtail's confirmation steps, previews of unsaved forms and the task chooser render for any
# admin user and check rights when the form is posted: their GET shows titles only, their POST
# must change nothing for a role that may not act.
CONFIRMED_ON_POST = {
    "wagtail_bulk_action",
    "wagtailadmin_pages:move_confirm",
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "wagtailadmin_pages:preview_on_add",
    "wagtailadmin_pages:choose_parent",
    "wagtailadmin_workflows:task_chooser",
    "wagtailadmin_workflows:task_chooser_results",
    "wagtailadmin_workflows:task_chooser_create",
    "wagtailadmin_workflows:task_chosen",
}
# What an owner may do with a page they own, and with no other page.
OWNER_OWN_PAGE = {
    "wagtailadmin_pages:edit",
    "wagtailadmin_pages:preview_on_edit",
    "wagtailadmin_pages:view_draft",
    "wagtailadmin_pages:revisions_index",
    "wagtailadmin_pages:revisions_view",
    "wagtailadmin_pages:revisions_revert",
    "wagtailadmin_pages:revisions_compare",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:history_results",
    "wagtailadmin_pages:usage",
    "wagtailadmin_pages:workflow_history",
    "wagtailadmin_pages:workflow_history_detail",
    "wagtailadmin_pages:workflow_preview",
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "moderation_verify",
    "moderation_errorreport_modeladmin_inspect",
    "moderation_errorreport_modeladmin_history",
}
# Creating a fiche or a structure, under its index only.
OWNER_CREATE = {
    "wagtailadmin_pages:add",
    "wagtailadmin_pages:preview_on_add",
    "wagtailadmin_pages:add_subpage",
    "wagtailadmin_pages:choose_parent",
}
# Moderators manage content, reports and contributors; never the site's structure, roles,
# workflows or settings, and never a privileged account.
MODERATOR_NEVER = re.compile(
    r"^(wagtailusers_groups:|wagtailsites:|wagtailadmin_workflows:|wagtailsettings:|wagtailredirects:"
    r"|wagtailadmin_collections:(add|edit|delete|set_privacy))"
)
PRIVILEGED_ACCOUNT_VIEWS = {"wagtailusers_users:edit", "wagtailusers_users:delete"}


@dataclass
class Target:
    name: str
    url: str
    page: Page | None = None  # the page the URL acts on, if any
    user_id: int | None = None  # the account the URL acts on, if any
    creates: str | None = None  # the page type a creation URL makes


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def admin_patterns():
    return [(route, name) for route, name in walk(get_resolver().url_patterns) if route.startswith("admin/")]


ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def to_url(route, values):
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    return "/" + ARGUMENT.sub(lambda m: str(values[m.group(1) or m.group(2)]), route)


@pytest.fixture
def world(db, django_user_model):
    groups = install_roles()
    install_taxonomy()
    pages = builders.site()
    users = {}
    for key, role in [
        ("owner", Role.OWNERS),
        ("other_owner", Role.OWNERS),
        ("moderator", Role.MODERATORS),
        ("administrator", Role.ADMINISTRATORS),
        ("professional", Role.PROFESSIONALS),
    ]:
        users[key] = django_user_model.objects.create_user(key, f"{key}@exemple.fr", "x")
        users[key].groups.add(groups[str(role)])
    users["superuser"] = django_user_model.objects.create_superuser("root", "root@exemple.fr", "x")

    epci = builders.epci()
    commune = builders.commune(epci_=epci)
    CommuneAlias.objects.create(insee_code="71999", name="Ancienne", kind="COMD", commune=commune)
    structure = builders.structure(pages["structure_index"], commune, "CCAS d’Autun")
    structure.owners = [users["other_owner"]]
    structure.save_revision().publish()
    own_structure = builders.structure(pages["structure_index"], commune, "Épicerie solidaire")
    own_structure.owners = [users["owner"]]
    own_structure.save_revision().publish()

    # The owner's fiche: published, then a draft submitted to the moderators.
    own = builders.fiche(pages["fiche_index"], "Aide alimentaire", places=[structure])
    own.owners = [users["owner"]]
    own.save_revision().publish()
    own.title = "Aide alimentaire d’urgence"
    own.save_revision(user=users["owner"])
    own.get_workflow().start(own, users["owner"])
    # Another owner's fiche, never published, with a draft of its own.
    other = FichePage(title="Brouillon de Paul", summary="Résumé.", live=False)
    other.owners = [users["other_owner"]]
    pages["fiche_index"].add_child(instance=other)
    other.save_revision(user=users["other_owner"])
    other.title = "Brouillon de Paul, corrigé"
    other.save_revision(user=users["other_owner"])
    territory = builders.territory(pages["departement"], epcis=[epci])

    theme = Theme.objects.first()
    UsefulLink.objects.create(title="Lien", url="https://exemple.fr/", category="droits")
    Synonym.objects.create(term="CAF", equivalents="caisse d’allocations familiales")
    reports = [
        ErrorReport.objects.create(page=page, category="other", description="Numéro faux.")
        for page in (own, other)
    ]
    document = Document.objects.create(title="Règlement", file="documents/reglement.pdf")
    image = Image.objects.create(title="Logo", file=get_test_image_file())
    redirect = Redirect.objects.create(old_path="/ancien", redirect_link="/")
    collection = Collection.get_first_root_node().add_child(name="Documents des partenaires")
    return dict(
        groups=groups,
        users=users,
        pages=dict(
            own_fiche=own,
            other_fiche=other,
            other_structure=structure,
            own_structure=own_structure,
            home=pages["home"],
            fiche_index=pages["fiche_index"],
            structure_index=pages["structure_index"],
            territory=territory,
        ),
        indexes=pages,
        snippets={
            "fiches.theme": theme.pk,
            "fiches.public": Public.objects.first().pk,
            "fiches.usefullink": UsefulLink.objects.first().pk,
            "fiches.synonym": Synonym.objects.first().pk,
            "territories.commune": commune.pk,
            "territories.epci": epci.pk,
            "territories.communealias": CommuneAlias.objects.first().pk,
        },
        reports=[r.pk for r in reports],
        document=document.pk,
        image=image.pk,
        redirect=redirect.pk,
        collection=collection.pk,
    )


PAGE_ARGUMENTS = {"page_id", "parent_page_id", "page_to_move_id", "page_pk"}
MODEL_ARGUMENTS = {
    "content_type_app_name",
    "content_type_model_name",
    "app_label",
    "model_name",
    "app_name",
    "action",
}
DEPENDENT_ARGUMENTS = {"revision_id", "revision_id_a", "revision_id_b", "task_state_id", "workflow_state_id"}
CREATABLE = [("fiches", "fichepage"), ("territories", "structurepage"), ("home", "standardpage")]


def _values(argument, name, world, every_object):
    """[(value, page, user id)] for one argument of a pattern."""
    namespace, _sep, view = (name or "").rpartition(":")
    pages = list(world["pages"].values()) if every_object else [world["pages"]["other_fiche"]]
    users = world["users"].values()
    if argument in PAGE_ARGUMENTS or (
        argument == "pk"
        and (namespace in ("wagtailadmin_pages", "wagtailadmin_api:pages") or name == "moderation_verify")
    ):
        return [(p.pk, p, None) for p in pages]
    if namespace.startswith(("wagtailsnippets_", "wagtailsnippetchoosers_")):
        app, model = namespace.split("_", 1)[1].split("_", 1)
        return [(world["snippets"][f"{app}.{model}"], None, None)]
    if namespace == "wagtailusers_users":
        return [(u.pk, None, u.pk) for u in users]
    if namespace == "wagtailusers_groups":
        return [(g.pk, None, None) for g in world["groups"].values()]
    if namespace in ("wagtailsites", "wagtailsettings"):
        return [(Site.objects.get().pk, None, None)]
    if namespace == "wagtailadmin_collections":
        return [(world["collection"], None, None)]
    task = GroupApprovalTask.objects.get(name=TASK_NAME)
    if argument == "task_id" or (namespace == "wagtailadmin_workflows" and "task" in view):
        return [(task.pk, None, None)]
    if namespace == "wagtailadmin_workflows":
        return [(Workflow.objects.get(active=True).pk, None, None)]
    if argument == "instance_pk":
        return [(r.pk, r.page, None) for r in ErrorReport.objects.filter(pk__in=world["reports"])]
    if argument in ("image_id",) or "image" in namespace:
        return [(world["image"], None, None)]
    if argument in ("document_id", "doc_id") or "doc" in namespace:
        return [(world["document"], None, None)]
    if argument == "redirect_id":
        return [(world["redirect"], None, None)]
    if argument == "destination_id":
        return [(world["indexes"][key].pk, None, None) for key in ("fiche_index", "home")]
    if argument == "action_name" and namespace == "wagtailadmin_pages":
        return [("approve", None, None), ("reject", None, None)]
    if argument == "action_name":
        return [(action, None, None) for action in PagesAdminAPIViewSet.actions]
    if argument == "filter_spec":
        return [("original", None, None)]
    raise AssertionError(f"{name}: no objects known for <{argument}>")


def _model_rows(name, world):
    """Values of the arguments that name a model (and, for bulk actions, the ids in the query)."""
    if name == "wagtail_bulk_action":
        rows = []
        for app, model, ids in [
            ("wagtailcore", "page", [p.pk for p in world["pages"].values()]),
            ("auth", "user", [u.pk for u in world["users"].values()]),
        ]:
            query = "?next=/admin/" + "".join(f"&id={pk}" for pk in ids)
            for action in bulk_action_registry.get_bulk_actions_for_model(app, model):
                rows.append(
                    ({"app_label": app, "model_name": model, "action": action.action_type}, query, None)
                )
        return rows
    if name.startswith("wagtailadmin_pages:"):
        return [
            (
                {"content_type_app_name": a, "content_type_model_name": m, "app_label": a, "model_name": m},
                "",
                m,
            )
            for a, m in CREATABLE
        ]
    if name == "wagtailadmin_workflows:add_task":
        return [({"app_label": "wagtailcore", "model_name": "groupapprovaltask"}, "", None)]
    if name == "wagtailadmin_tag_model_autocomplete":
        return [({"app_name": "taggit", "model_name": "tag"}, "", None)]
    if name.startswith("wagtailsettings"):
        return [({"app_name": "home", "model_name": "sitesettings"}, "", None)]
    return [({}, "", None)]


def _dependent(arguments, page):
    values = {}
    state = page and WorkflowState.objects.filter(object_id=str(page.pk)).order_by("-pk").first()
    for key in arguments:
        if key == "revision_id":
            values[key] = page and page.latest_revision_id
        elif key == "revision_id_a":
            values[key] = "earliest"
        elif key == "revision_id_b":
            values[key] = "latest"
        elif key == "task_state_id":
            values[key] = state and state.current_task_state_id
        elif key == "workflow_state_id":
            values[key] = state and state.pk
    return values


def fillings(route, name, world, every_object=True):
    """Every URL of a pattern, filled with the ids of the world's objects of the right type."""
    arguments = [a or b for a, b in ARGUMENT.findall(route)]
    plain = [a for a in arguments if a not in MODEL_ARGUMENTS | DEPENDENT_ARGUMENTS]
    rows = _model_rows(name, world) if set(arguments) & MODEL_ARGUMENTS else [({}, "", None)]
    if name and name.endswith(":find"):
        kind = name.split(":")[1]
        found = {"pages": world["pages"]["home"].pk, "documents": world["document"], "images": world["image"]}
        rows = [({}, f"?id={found[kind]}", None)]
    for model_values, query, creates in rows:
        for combination in product(*(_values(a, name, world, every_object) for a in plain)):
            values = dict(model_values)
            page = user_id = None
            for argument, (value, value_page, value_user) in zip(plain, combination, strict=True):
                values[argument] = value
                page = page or value_page
                user_id = user_id or value_user
            values.update(_dependent(arguments, page))
            if any(values.get(a) is None for a in arguments):
                continue  # e.g. no workflow in progress on that page
            yield Target(name, to_url(route, values) + query, page, user_id, creates)


# --- The oracle -------------------------------------------------------------------------------


def refused(response, client=None):
    """Refused: an error status, or Wagtail's answer to a refused admin view (back to the
    dashboard with a message, or to the login page). Another redirect (revisions to history) is
    followed once."""
    if client is not None and response.status_code == 302 and response["Location"].startswith("/admin/"):
        if response["Location"] != "/admin/" and not response["Location"].startswith("/admin/login/"):
            response = client.get(response["Location"])
    if response.status_code in (400, 403, 404, 405):
        return True
    return response.status_code == 302 and (
        response["Location"] == "/admin/" or response["Location"].startswith("/admin/login/")
    )


def may_open(role, target, world):
    """May this role GET this URL?"""
    if role in ("owner", "moderator") and target.name in CONFIRMED_ON_POST:
        return True
    return may_change(role, target, world)


def may_change(role, target, world):
    """May this role open this URL and post to it?"""
    if role == "administrator":
        return True
    if role in ("anonymous", "professional"):
        return target.name in PUBLIC
    if role == "moderator":
        if MODERATOR_NEVER.match(target.name or ""):
            return False
        return not (target.name in PRIVILEGED_ACCOUNT_VIEWS and target.user_id in _privileged_ids(world))
    # An owner.
    own = {world["pages"]["own_fiche"].pk, world["pages"]["own_structure"].pk}
    if target.name in OWNER_ANYWHERE:
        return True
    if target.name in OWNER_OWN_PAGE:
        return target.page is not None and target.page.pk in own
    if target.name in OWNER_CREATE:
        containers = {
            "fichepage": world["indexes"]["fiche_index"].pk,
            "structurepage": world["indexes"]["structure_index"].pk,
        }
        # Under their own structure, an owner adds its permanences and stops (structure pages
        # of the held kinds: the form refuses other kinds there).
        own_structure = world["pages"]["own_structure"].pk
        if target.name == "wagtailadmin_pages:add_subpage":
            return target.page.pk in {*containers.values(), own_structure}
        if target.name == "wagtailadmin_pages:choose_parent":
            return target.creates in containers
        if target.creates == "structurepage" and target.page.pk == own_structure:
            return True
        return containers.get(target.creates) == target.page.pk
    return False


def _privileged_ids(world):
    return {world["users"][key].pk for key in ("moderator", "administrator", "superuser")}


ACCOUNT_FORMS = {
    "wagtailusers_users:add",
    "wagtailusers_users:edit",
    "wagtail_bulk_action",
    "moderation_invite",
}


def must_not_change_anything(role, target, world):
    """A POST that must leave the database as it was."""
    if role == "administrator":
        return False
    if role == "moderator" and target.name in ACCOUNT_FORMS:
        return "wagtailcore/page" not in target.url  # the payload asks for the administrator role
    return not may_change(role, target, world)


def escalation(world):
    """A POST that asks for more than any role below administrator may have."""
    admin_group = world["groups"][str(Role.ADMINISTRATORS)].pk
    home = world["indexes"]["home"].pk
    return {
        "is_superuser": "on",
        "groups": [admin_group],
        "role": admin_group,
        "username": "pirate",
        "email": "pirate@exemple.fr",
        "first_name": "Pi",
        "last_name": "Rate",
        "password1": "Pirate-2026-pirate",
        "password2": "Pirate-2026-pirate",
        "title": "Piraté",
        "slug": "pirate",
        "summary": "Piraté.",
        "body-count": "0",  # sent by every editor (a POST without it is a Wagtail StreamField 500)
        "new_title": "Piraté",
        "new_slug": "pirate",
        "new_parent_page": home,
        "copy_subpages": "on",
        "publish_copies": "on",
        "restriction_type": "login",
        "action-publish": "action-publish",
        "status": "rejete",
        "comment": "Piraté.",
        "name": "Piraté",
        "hostname": "pirate.exemple.fr",
        "root_page": home,
        "is_default_site": "on",
    }


def fingerprint():
    """What a refused POST must leave as it was."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    models = [
        Page,
        User,
        User.groups.through,
        Group,
        GroupPagePermission,
        PageViewRestriction,
        WorkflowState,
        TaskState,
        Workflow,
        GroupApprovalTask,
        Site,
        Theme,
        Public,
        UsefulLink,
        Synonym,
        ErrorReport,
        Redirect,
        Document,
        Image,
        Collection,
        EPCI,
        CommuneAlias,
        FichePage.owners.through,
        StructurePage.owners.through,
    ]
    return (
        [list(model.objects.order_by("pk").values_list()) for model in models],
        Revision.objects.count(),
        PageLogEntry.objects.count(),
        Group.permissions.through.objects.count(),
    )


def client_for(role, world):
    client = Client(HTTP_HOST="localhost", raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def post_and_roll_back(client, url, data):
    """POST inside a transaction rolled back afterwards; returns (response, changed)."""
    with transaction.atomic():
        before = fingerprint()
        response = client.post(url, data)
        try:
            changed = fingerprint() != before
        except Exception:  # the view left the transaction broken: nothing it did can be kept
            changed = False
        transaction.set_rollback(True)
    return response, changed


ROLES = ["anonymous", "professional", "owner", "moderator", "administrator"]
# What an owner must be able to open on their own fiche, draft and submission included.
OWNER_MUST_OPEN = {
    "wagtailadmin_pages:edit",
    "wagtailadmin_pages:view_draft",
    "wagtailadmin_pages:revisions_compare",
    "wagtailadmin_pages:history",
    "wagtailadmin_pages:usage",
    "wagtailadmin_pages:workflow_history",
}


@pytest.mark.parametrize("role", ROLES)
def test_nobody_exceeds_their_role_on_any_admin_url(world, role):
    client = client_for(role, world)
    # Pages decide what an owner may do; the other roles are the same on every page.
    every_object = role == "owner"
    problems, checked = [], 0
    for route, name in admin_patterns():
        if name in NOT_CHECKED:
            continue
        for target in fillings(route, name, world, every_object):
            checked += 1
            allowed = may_open(role, target, world)
            response = client.get(target.url)
            if response.status_code >= 500:
                problems.append(f"GET {target.url} ({name}): {response.status_code}")
            elif not allowed and not refused(response, client):
                problems.append(f"GET {target.url} ({name}) opened: {response.status_code}")
            elif (
                role == "owner"
                and name in OWNER_MUST_OPEN
                and target.page == world["pages"]["own_fiche"]
                and response.status_code != 200
            ):
                problems.append(f"GET {target.url} ({name}) refused to the owner: {response.status_code}")
            if must_not_change_anything(role, target, world):
                response, changed = post_and_roll_back(client, target.url, escalation(world))
                if response.status_code >= 500:
                    problems.append(f"POST {target.url} ({name}): {response.status_code}")
                elif changed:
                    problems.append(f"POST {target.url} ({name}) changed the database")
    assert checked > 250
    assert not problems, "\n".join(problems)


def test_every_admin_url_is_filled_with_real_objects(world):
    """Each pattern's filling opens for a superuser (or, for a POST-only view, accepts a POST):
    otherwise the role tests above would pass on URLs that point at nothing."""
    client = client_for("superuser", world)
    unreached = []
    for route, name in admin_patterns():
        if name in NOT_CHECKED or name is None:
            continue
        targets = list(fillings(route, name, world))
        reached = False
        for target in targets:
            response = client.get(target.url)
            assert response.status_code < 500, f"GET {target.url}: {response.status_code}"
            if response.status_code == 405:
                # An empty POST: Wagtail's redirects import answers it with a 500 (its own bug, a
                # superuser's form step without its file); only reachability is read here.
                response, _changed = post_and_roll_back(client, target.url, {})
            if not refused(response) or response.status_code in (400, 500):
                reached = True
                break
        if reached == (name in UNREACHABLE_HERE):
            unreached.append(f"{name}: {[t.url for t in targets]}")
    assert not unreached, "\n".join(unreached)
