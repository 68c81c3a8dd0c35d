"""data·inclusion v1 interoperability: `schema` (schemas, validation, vocabulary), `export`,
`importer`, `quality` (criteria and CSV). The names below are the package's public interface."""

from .export import export_all, export_services, export_structure
from .importer import (
    BATCH_SIZE,
    ImportFileError,
    ImportResult,
    Rejection,
    import_services,
    import_structures,
    load_records,
    run_import,
)
from .quality import quality, to_csv_rows
from .schema import check, clean, osm_opening_hours, parse_osm_opening_hours, schemas, source_name, validate

__all__ = [
    "BATCH_SIZE",
    "Rejection",
    "check",
    "clean",
    "run_import",
    "ImportFileError",
    "ImportResult",
    "export_all",
    "export_services",
    "export_structure",
    "import_services",
    "import_structures",
    "load_records",
    "osm_opening_hours",
    "parse_osm_opening_hours",
    "quality",
    "schemas",
    "source_name",
    "to_csv_rows",
    "validate",
]
