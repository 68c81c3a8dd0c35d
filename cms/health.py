"""`/sante/`: is this application server able to serve? It reads the database (SELECT 1) and
writes then reads a key in the cache; 200 {"database": "ok", "cache": "ok"}, or 503 with
"erreur" for what failed (the details go to the log, not to the answer). Never cached.

`HealthCheckMiddleware` answers it before the middleware that reads the cache or the session:
with Redis down, a load balancer gets this 503 saying so rather than a 500. It is also answered before SecurityMiddleware and the host
check, so that a load balancer may ask over plain HTTP at the server's own address.
"""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _cache():
    key = f"reperes:sante:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    cache.set(key, value, 30)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@never_cache
@require_safe
def health(request):
    answer = {}
    for name, check in CHECKS.items():
        # A warning, not an error: a load balancer asks every few seconds, and errors are
        # e-mailed to ADMINS.
        try:
            answer[name] = "ok" if check() else "erreur"
        except Exception:
            answer[name] = "erreur"
            logger.warning("Contrôle de santé : %s en erreur", name, exc_info=True)
        else:
            if answer[name] != "ok":
                logger.warning("Contrôle de santé : %s ne répond pas comme attendu", name)
    healthy = all(state == "ok" for state in answer.values())
    return JsonResponse(answer, status=200 if healthy else 503)


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if self.path is None:
            self.path = reverse("health")
        if request.path == self.path:
            return health(request)
        return self.get_response(request)
