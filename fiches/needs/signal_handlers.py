from django.db import transaction
from django.dispatch import receiver

from .models import UnansweredSearch, search_found_little


@receiver(search_found_little)
def count_unanswered_search(sender, query, commune=None, **kwargs):
    # After the commit, so a search inside a transaction that fails counts nothing; the
    # counter is one statement (UnansweredSearch.objects.record).
    transaction.on_commit(lambda: UnansweredSearch.objects.record(query, commune))
