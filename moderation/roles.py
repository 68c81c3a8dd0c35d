"""The network's roles, as Django groups with their permissions.

Installed (and re-installed, idempotently) by `manage.py install_reperes`, the way a Plone
add-on installs its profile. The group names are settings-free on purpose: they are what
moderators see and talk about.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page


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
        ("territories", "view_commune"),
        ("territories", "view_epci"),
        ("auth", "add_user"),
        ("auth", "change_user"),
        ("auth", "view_user"),
        ("moderation", "view_errorreport"),
        ("moderation", "change_errorreport"),
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
    # Owners edit and submit; they never publish. Editing only what they own is enforced
    # on top of this grant.
    Role.OWNERS: ["add_page", "change_page"],
}

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
        for codename in PAGE_PERMISSIONS.get(role, []):
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=_perm("wagtailcore", codename)
            )
        for codename in COLLECTION_PERMISSIONS.get(role, []):
            app = "wagtaildocs" if codename.endswith("document") else "wagtailimages"
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root_collection, permission=_perm(app, codename)
            )
        groups[str(role)] = group
    from .workflow import install_workflow

    install_workflow(groups[str(Role.MODERATORS)])
    return groups
