"""Commune names compared by the rule of territories.geo.normalize_name, which now reads
"st"/"ste" as "saint"/"sainte" and a full stop as a space: the stored search names are
written again by that rule (the importer writes them the same way)."""

from django.db import migrations


def rewrite_search_names(apps, schema_editor):
    from territories.geo import normalize_name

    for name in ("Commune", "CommuneAlias"):
        model = apps.get_model("territories", name)
        rows = list(model.objects.only("pk", "name", "search_name"))
        for row in rows:
            row.search_name = normalize_name(row.name)
        model.objects.bulk_update(rows, ["search_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("territories", "0008_coverage_settings_and_snapshots")]

    operations = [migrations.RunPython(rewrite_search_names, migrations.RunPython.noop)]
