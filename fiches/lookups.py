"""`field__any_of=[ids]`: `field = ANY(%s)` with the ids as one array parameter (PostgreSQL).

The facets of a large result set filter several tables by the same few thousand ids. Given as
one array, PostgreSQL parses a single value and probes a hash of it; given as `IN (…)`, it
parses thousands of parameters, and given as a subquery it runs the search again each time."""

from django.db import models


class AnyOf(models.Lookup):
    lookup_name = "any_of"
    prepare_rhs = False  # a list of ids, not one value of the field

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", [*lhs_params, [int(v) for v in self.rhs]]


models.ForeignKey.register_lookup(AnyOf)
models.BigAutoField.register_lookup(AnyOf)
models.AutoField.register_lookup(AnyOf)
