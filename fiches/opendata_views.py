"""Open data: the data·inclusion v1 export at stable public URLs."""

import csv
import io
import json

from django.http import Http404, HttpResponse
from django.shortcuts import render

from . import datainclusion

KINDS = {"structures": "structures", "services": "services"}


def _export(request):
    return datainclusion.export_all(request.build_absolute_uri("/").rstrip("/"))


def export_json(request, kind):
    if kind not in KINDS:
        raise Http404
    body = json.dumps(_export(request)[kind], ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def export_csv(request, kind):
    if kind not in KINDS:
        raise Http404
    keys, rows = datainclusion.to_csv_rows(_export(request)[kind])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=keys)
    writer.writeheader()
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


def opendata_index(request):
    return render(request, "fiches/opendata.html", {"source": datainclusion.source_name()})
