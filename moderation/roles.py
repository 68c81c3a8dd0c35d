"""The network's roles, as Django groups with their permissions.

Installed (and re-installed, idempotently) by `manage.py install_reperes`, the way a Plone
add-on installs its profile. The group names are settings-free on purpose: they are what
moderators see and talk about.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page, get_page_models

from territories.ownership import OwnedPage

from .workflow import install_workflow


class Role:
    ADMINISTRATORS = _("Administrateurs")
    MODERATORS = _("Modérateurs")
    OWNERS = _("Responsables de fiche")
    PROFESSIONALS = _("Professionnels")


PRO_PERMISSIONS = [
    ("fiches", "view_professional_content"),
    ("territories", "view_professional_content"),
]
ASSIGN_OWNERS = [("fiches", "assign_owners"), ("territories", "assign_owners")]

# (app_label, codename) granted to each group on top of page and collection permissions.
MODEL_PERMISSIONS = {
    Role.ADMINISTRATORS: "__all__",
    Role.MODERATORS: [
        ("wagtailadmin", "access_admin"),
        ("fiches", "add_theme"),
        ("fiches", "change_theme"),
        ("fiches", "delete_theme"),
        ("fiches", "add_public"),
        ("fiches", "change_public"),
        ("fiches", "delete_public"),
        ("fiches", "add_usefullink"),
        ("fiches", "change_usefullink"),
        ("fiches", "delete_usefullink"),
        ("fiches", "add_synonym"),
        ("fiches", "change_synonym"),
        ("fiches", "delete_synonym"),
        ("territories", "view_commune"),
        ("territories", "view_epci"),
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("moderation", "view_errorreport"),
        ("moderation", "change_errorreport"),
        # "Besoins sans réponse" (fiches/needs/): counts only, nothing personal.
        ("fiches", "view_unansweredsearch"),
        ("fiches", "view_needreport"),
        *ASSIGN_OWNERS,
        *PRO_PERMISSIONS,
    ],
    Role.OWNERS: [
        ("wagtailadmin", "access_admin"),
        ("moderation", "view_errorreport"),
        ("territories", "view_commune"),
        ("territories", "view_epci"),
        *PRO_PERMISSIONS,
    ],
    Role.PROFESSIONALS: [*PRO_PERMISSIONS],
}


def is_moderator(user):
    """Moderators and administrators: they edit, publish and delete every fiche and structure."""
    return user.is_active and (
        user.is_superuser
        or user.groups.filter(name__in=[str(Role.ADMINISTRATORS), str(Role.MODERATORS)]).exists()
    )


def is_administrator(user):
    """Only administrators grant the administrator and moderator roles, make superusers and
    change the password or e-mail of a moderator or an administrator."""
    return user.is_active and (
        user.is_superuser or user.groups.filter(name=str(Role.ADMINISTRATORS)).exists()
    )


PRIVILEGED_ROLES = (Role.ADMINISTRATORS, Role.MODERATORS)


def holds_privileged_role(user):
    return user.is_superuser or user.groups.filter(name__in=[str(r) for r in PRIVILEGED_ROLES]).exists()


def account_change_refusal(actor, target=None, is_superuser=False, group_ids=()):
    """Why `actor` may not create or change the account `target` (None: a new account) with
    these values, or None if they may. Moderators manage contributors' and professionals'
    accounts; only administrators make superusers, grant the administrator or moderator role,
    and change a moderator's or an administrator's account (password, e-mail, anything)."""
    if is_administrator(actor):
        return None
    if target is not None and holds_privileged_role(target):
        return _("Seul un administrateur peut modifier le compte d’un modérateur ou d’un administrateur.")
    if is_superuser:
        return _("Seul un administrateur peut donner tous les droits à un compte.")
    privileged = Group.objects.filter(pk__in=[pk for pk in group_ids if str(pk).isdigit()])
    if privileged.filter(name__in=[str(r) for r in PRIVILEGED_ROLES]).exists():
        return _("Seul un administrateur peut attribuer le rôle de modérateur ou d’administrateur.")
    return None


def owned_page_parent_models():
    """Page types under which owners create fiches and structures (their allowed parents)."""
    return {
        parent
        for model in get_page_models()
        if issubclass(model, OwnedPage)
        for parent in model.allowed_parent_page_models()
    }


# Granted on the root page, so on the whole tree.
PAGE_PERMISSIONS = {
    Role.ADMINISTRATORS: [
        "add_page",
        "change_page",
        "publish_page",
        "bulk_delete_page",
        "lock_page",
        "unlock_page",
    ],
    Role.MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Owners hold *add* on the parents of owned pages only (the fiches and structures indexes), so
# that they create fiches and structures and nothing else; what they may do with an owned page
# is `territories.ownership.OwnedPagePermissionTester`'s rule. Never *change*: that would let
# them edit the index pages themselves.
OWNER_PAGE_PERMISSIONS = ["add_page"]

ALL_MEDIA_PERMISSIONS = [
    "add_document",
    "change_document",
    "choose_document",
    "add_image",
    "change_image",
    "choose_image",
]
COLLECTION_PERMISSIONS = {
    Role.ADMINISTRATORS: ALL_MEDIA_PERMISSIONS,
    Role.MODERATORS: ALL_MEDIA_PERMISSIONS,
    Role.OWNERS: ["add_document", "choose_document", "choose_image"],
}


def _perm(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def install_roles():
    """Create or update the four groups. Returns {name: group}."""
    groups = {}
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    for role, model_perms in MODEL_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=str(role))
        if model_perms == "__all__":
            group.permissions.set(Permission.objects.all())
        else:
            group.permissions.set([_perm(app, code) for app, code in model_perms])
        page_permissions = [(root, codename) for codename in PAGE_PERMISSIONS.get(role, [])]
        if role == Role.OWNERS:
            page_permissions = [
                (parent, codename)
                for parent in Page.objects.type(*owned_page_parent_models())
                for codename in OWNER_PAGE_PERMISSIONS
            ]
        kept = [
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_perm("wagtailcore", codename)
            )[0].pk
            for page, codename in page_permissions
        ]
        # A grant of an earlier version (owners once held add and change on the whole tree).
        GroupPagePermission.objects.filter(group=group).exclude(pk__in=kept).delete()
        for codename in COLLECTION_PERMISSIONS.get(role, []):
            app = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_perm(app, codename)
            )
        groups[str(role)] = group
    install_workflow(groups[str(Role.MODERATORS)])
    return groups


def grant_owners_on_new_parent(page):
    """A new fiches or structures index: owners may create their pages there too."""
    group = Group.objects.filter(name=str(Role.OWNERS)).first()
    if group is not None:
        for codename in OWNER_PAGE_PERMISSIONS:
            GroupPagePermission.objects.get_or_create(
                group=group, page=page, permission=_perm("wagtailcore", codename)
            )
