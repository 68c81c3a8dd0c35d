"""Helpers for bulk page work (imports, demo content)."""

from contextlib import contextmanager

from wagtail.signal_handlers import disable_reference_index_auto_update, reference_index_auto_update_disabled


@contextmanager
def reference_index_paused():
    """Wagtail's `disable_reference_index_auto_update`, safe to nest (Wagtail's own is not)."""
    if getattr(reference_index_auto_update_disabled, "value", False):
        yield
        return
    with disable_reference_index_auto_update():
        yield
