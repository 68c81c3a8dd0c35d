"""Dropping derived values when their source changes: now, so that the request (or test) that
made the change sees it at once, and again after the commit, in case another process read the
old data between the two."""

from django.db import transaction


def now_and_after_commit(func):
    func()
    transaction.on_commit(func)
