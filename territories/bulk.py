"""Helpers for bulk page work (imports, demo content)."""

import uuid
from contextlib import contextmanager

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.text import slugify
from modelcluster.models import get_all_child_m2m_relations, get_all_child_relations
from modelcluster.queryset import FakeQuerySet
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.search.backends import get_search_backends
from wagtail.signal_handlers import disable_reference_index_auto_update, reference_index_auto_update_disabled


@contextmanager
def reference_index_paused():
    """Wagtail's `disable_reference_index_auto_update`, safe to nest (Wagtail's own is not)."""
    if getattr(reference_index_auto_update_disabled, "value", False):
        yield
        return
    with disable_reference_index_auto_update():
        yield


class NewPages:
    """New pages of one specific model under one parent, published in bulk.

    Each page ends as `parent.add_child()` + `save_revision(user)` + `publish()` would leave it:
    a tree path, a unique slug, its rows and its child rows and many-to-many rows (what was
    assigned in memory, as for a ClusterableModel's save), one revision by `user` that is the
    live one, "wagtail.create" and "wagtail.publish" in its history, and its entry in Wagtail's
    search index. No signal is sent: the caller refreshes what its own apps derive from the
    pages (`write()` returns them).

    Why not Wagtail's own calls: they cost about 130 queries and three search reindexings per
    page, and 25,000 data·inclusion services took hours against the 10-minute target that
    `bench/datainclusion.py` measures. So this writes the same rows a batch at a time; it uses
    treebeard's path helpers (`_str2int`, `_get_path`) and Django's `_insert` for the
    rows of a multi-table child model, which `QuerySet.bulk_create` refuses.

        batch = NewPages(parent, user)
        for page in pages:
            batch.add(page)          # validated (full_clean): a ValidationError leaves it out
        written = batch.write()
    """

    def __init__(self, parent, user=None):
        self.parent = parent.specific_deferred if type(parent) is Page else parent
        self.user = user
        self.pages = []
        self.model = None
        children = Page.objects.child_of(parent)  # by path: the parent's numchild may be stale
        last = children.order_by("-path").values_list("path", flat=True).first()
        self.next_position = Page._str2int(last[-Page.steplen :]) + 1 if last else 1
        self.slugs = set(children.values_list("slug", flat=True))

    def _slug(self, title):
        allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        base = slugify(title, allow_unicode=allow_unicode)[:240] or "page"
        slug, suffix = base, 1
        while slug in self.slugs:
            suffix += 1
            slug = f"{base}-{suffix}"
        return slug

    def add(self, page):
        """Place and validate `page`; raises ValidationError (and keeps nothing) if it is invalid."""
        if self.model is None:
            self.model = type(page)
            if list(self.model._meta.parents) != [Page]:
                raise TypeError(f"{self.model.__name__} : seul un modèle qui étend Page directement.")
        elif type(page) is not self.model:
            raise TypeError("Un lot ne contient qu’un modèle de page.")
        page._cached_parent_obj = self.parent
        page.slug = page.slug or self._slug(page.title)
        page.locale_id = self.parent.locale_id
        page.draft_title = page.title
        page.depth = self.parent.depth + 1
        page.path = Page._get_path(self.parent.path, page.depth, self.next_position)
        page.url_path = f"{self.parent.url_path}{page.slug}/"
        # Unique fields: the path and slug are chosen here, the translation key is new. Foreign
        # keys are not looked up again: the caller assigns saved objects.
        relations = [f.name for f in self.model._meta.concrete_fields if f.is_relation]
        page.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        self.next_position += 1
        self.slugs.add(page.slug)
        self.pages.append(page)

    def write(self):
        """Write the pages added since the last call; returns them (saved, live)."""
        pages, self.pages = self.pages, []
        if not pages:
            return []
        now = timezone.now()
        content_type = ContentType.objects.get_for_model(self.model)
        children = [r.get_accessor_name() for r in get_all_child_relations(self.model)]
        m2m = [f.name for f in get_all_child_m2m_relations(self.model)]
        for page in pages:
            # The in-memory values of an unsaved page (a FakeQuerySet; an empty QuerySet when
            # none was assigned), kept in memory for after the pk is set.
            for name in children + m2m:
                values = getattr(page, name).all()
                setattr(page, name, list(values) if isinstance(values, FakeQuerySet) else [])
            page.content_type = content_type
            page.translation_key = page.translation_key or uuid.uuid4()
            page.live, page.has_unpublished_changes, page.expired = True, False, False
            page.first_published_at = page.last_published_at = page.latest_revision_created_at = now
            page.numchild = 0
        rows = Page.objects.bulk_create(
            [Page(**{f.attname: getattr(p, f.attname) for f in Page._meta.concrete_fields}) for p in pages]
        )
        for page, row in zip(pages, rows, strict=True):
            page.id = page.page_ptr_id = row.pk
        self.model._base_manager._insert(pages, fields=self.model._meta.local_concrete_fields)
        self.parent.numchild = Page.objects.child_of(self.parent).count()
        Page.objects.filter(pk=self.parent.pk).update(numchild=self.parent.numchild)

        for name in children:
            relation = getattr(self.model, name).rel
            items = []
            for page in pages:
                for order, item in enumerate(getattr(page, name).all()):
                    setattr(item, relation.field.name, page)
                    if getattr(item, "sort_order", 0) is None:
                        item.sort_order = order
                    items.append(item)
            relation.related_model.objects.bulk_create(items)
        for name in m2m:
            field = self.model._meta.get_field(name)
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through.objects.bulk_create(
                [
                    through(**{f"{source}_id": page.pk, f"{target}_id": item.pk})
                    for page in pages
                    for item in getattr(page, name).all()
                ]
            )

        base_type = ContentType.objects.get_for_model(Page)
        revisions = Revision.objects.bulk_create(
            [
                Revision(
                    content_type=content_type,
                    base_content_type=base_type,
                    object_id=str(page.pk),
                    user=self.user,
                    content=page.serializable_data(),
                    object_str=str(page)[:255],
                    created_at=now,
                )
                for page in pages
            ]
        )
        for page, revision in zip(pages, revisions, strict=True):
            page.latest_revision = page.live_revision = revision
        Page.objects.bulk_update(pages, ["latest_revision", "live_revision"])
        PageLogEntry.objects.bulk_create(
            PageLogEntry(
                content_type=content_type,
                page_id=page.pk,
                label=page.title,
                action=action,
                timestamp=now,
                user=self.user,
                revision=page.latest_revision,
                content_changed=True,
                uuid=log_uuid,
            )
            for page in pages
            for log_uuid in [uuid.uuid4()]
            for action in ("wagtail.create", "wagtail.publish")
        )
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(self.model, pages)
        return pages
