"""Reading a model's rows with plain SQL, on the few paths where the ORM's
composing of a query costs more than the database's answering it (casting a
vote, and the signed-in user every request reads).

``Reader(Model, names)`` knows the SELECT list of those fields and turns a
row into an instance as the ORM would: each value through the converters
the ORM applies (JSON parsed, SQLite's datetimes read), the other fields
deferred. The query's text, and so its prepared statement, is the caller's.
A leaf: imports nothing of unionhall.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models


class Reader:
    def __init__(self, model: type[models.Model], names: Sequence[str]):
        fields = [model._meta.get_field(name) for name in names]
        if not all(getattr(f, "concrete", False) for f in fields):
            raise ValueError(f"not columns of {model.__name__}: {[n for n, f in zip(names, fields) if not getattr(f, 'concrete', False)]}")
        wanted = {f.attname for f in fields}
        # Model.from_db takes the values in the model's own order.
        self.fields = [f for f in model._meta.concrete_fields if f.attname in wanted]
        self.model = model
        self.attnames = [f.attname for f in self.fields]
        self._converters: dict[str, list] = {}

    def columns(self, alias: str = "") -> str:
        """The SELECT list, each column quoted (and prefixed with ``alias.``)."""
        qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
        prefix = f"{alias}." if alias else ""
        return ", ".join(prefix + qn(f.column) for f in self.fields)

    def _converters_for(self, connection) -> list:
        found = self._converters.get(connection.vendor)
        if found is None:
            found = []
            for field in self.fields:
                col = field.get_col(self.model._meta.db_table)
                found.append((connection.ops.get_db_converters(col) + col.get_db_converters(connection), col))
            self._converters[connection.vendor] = found
        return found

    def instance(self, row: Sequence | None) -> models.Model | None:
        """The instance a row of ``columns()`` holds, or None for no row."""
        if row is None:
            return None
        connection = connections[DEFAULT_DB_ALIAS]
        values = []
        for value, (converters, col) in zip(row, self._converters_for(connection), strict=True):
            for convert in converters:
                value = convert(value, col, connection)
            values.append(value)
        return self.model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)
