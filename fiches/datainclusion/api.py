"""Reading the data·inclusion API (v1): the structures and services of the département, page by page.

`GET <url>/api/v1/structures?departement=71&page=1&size=…` answers
`{"items": [...], "total": …, "page": 1, "size": …, "pages": …}` (the same for services), with the
token as `Authorization: Bearer …`.
"""

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from .importer import ImportFileError

PAGE_SIZE = 1000
TIMEOUT_SECONDS = 60


def fetch(base_url, kind, token, departement=None, page_size=PAGE_SIZE):
    """Every record of `kind` ("structures" or "services") for the département, all pages read."""
    departement = departement or settings.REPERES_DEPARTEMENT["code"]
    if urllib.parse.urlsplit(base_url).scheme not in ("http", "https"):
        raise ImportFileError(f"API data·inclusion : adresse http(s) attendue, pas « {base_url} ».")
    records, page, pages = [], 1, 1
    while page <= pages:
        query = urllib.parse.urlencode({"departement": departement, "page": page, "size": page_size})
        url = f"{base_url.rstrip('/')}/api/v1/{kind}?{query}"
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310 (http(s) checked)
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
                data = json.loads(response.read().decode("utf-8-sig"))
        except urllib.error.HTTPError as exc:
            hint = " (jeton absent ou refusé : DATA_INCLUSION_API_TOKEN)" if exc.code in (401, 403) else ""
            raise ImportFileError(f"API data·inclusion : {url} a répondu {exc.code}{hint}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise ImportFileError(f"API data·inclusion : {url} injoignable ({exc}).") from exc
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"API data·inclusion : {url} n’a pas répondu en JSON.") from exc
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ImportFileError(f"API data·inclusion : {url} : réponse sans liste « items ».")
        records += data["items"]
        pages = int(data.get("pages") or 1)
        page += 1
    return records
