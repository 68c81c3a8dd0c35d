"""Pages that people of partner structures keep up to date: structures here, fiches in `fiches`.

Wagtail asks a page's `permissions_for_user()` for every editor action (edit, preview, view the
draft, revisions and their comparison, history, usage, delete, move, copy, unpublish, lock,
bulk actions), so the owner rule is stated once, here, as a `PagePermissionTester`:

- a user who holds Wagtail's *change* page permission (moderators, administrators) keeps
  Wagtail's own rules;
- anyone else (an owner holds only *add* on the pages' parents, to create new ones) edits,
  previews and submits a page only if they are among its `owners`, and never deletes, moves,
  copies, locks, unpublishes or publishes it.

Ownership is read from the database by the page's id, never from the in-memory relation: the
editor works on a page rebuilt from its latest revision, whose `owners` is a modelcluster
relation that may differ from what was last approved.
"""

from django.contrib.auth import get_user_model
from wagtail.models import PagePermissionTester


class OwnedPagePermissionTester(PagePermissionTester):
    def _keeps_wagtail_rules(self):
        return self.user.is_superuser or "change" in getattr(self, "permissions", ())

    def is_owner(self):
        return self.user.is_active and self.page.is_owned_by(self.user)

    def can_edit(self):
        if self._keeps_wagtail_rules():
            return super().can_edit()
        return not self.page_is_root and self.is_owner()

    def can_add_subpage(self):
        # A structure's owners add its permanences and stops under it, nobody else's.
        if self._keeps_wagtail_rules():
            return super().can_add_subpage()
        return super().can_add_subpage() and self.is_owner()

    def can_delete(self, ignore_bulk=False):
        return self._keeps_wagtail_rules() and super().can_delete(ignore_bulk=ignore_bulk)

    def can_copy(self):
        return self._keeps_wagtail_rules() and super().can_copy()

    def can_lock(self):
        return self._keeps_wagtail_rules() and super().can_lock()

    def can_unlock(self):
        return self._keeps_wagtail_rules() and super().can_unlock()

    def can_view_revisions(self):
        return super().can_view_revisions() and self.can_edit()


class OwnedPage:
    """Mixin for page types with an `owners` many-to-many field (see the module docstring)."""

    def permissions_for_user(self, user):
        return OwnedPagePermissionTester(user, self)

    def _owner_rows(self):
        # The through table, by the page's id: see the module docstring.
        through = type(self).owners.through
        page_column = through._meta.get_field(self._meta.model_name).attname
        return through.objects.filter(**{page_column: self.pk})

    def is_owned_by(self, user):
        if user is None or not user.is_authenticated or self.pk is None:
            return False
        return self._owner_rows().filter(user_id=user.pk).exists()

    def active_owners(self):
        """The owners who still have an account, as saved in the database."""
        return get_user_model().objects.filter(pk__in=self._owner_rows().values("user_id"), is_active=True)
