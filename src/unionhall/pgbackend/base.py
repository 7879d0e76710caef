"""Django's PostgreSQL backend, binding parameters on the server, with one
difference: a statement with more parameters than PostgreSQL's protocol
carries (65,535) binds them on the client, as the backend does by default.

Server-side binding (``DATABASE_PREPARED_STATEMENTS``, the default) lets
PostgreSQL prepare the statements a connection runs often: casting a vote
took 40% less of the database's CPU. But a parameter count is 16 bits on the
wire, so a statement with more fails ("number of parameters must be between
0 and 65535"), and Django sends some: an ``__in`` of a 100,000-member
register import, a ``bulk_create`` of thousands of rows. Those are rare and
large, so preparing them gains nothing; they go as client-side statements
on the same connection, in the same transaction.

Chosen by settings.py when DATABASE_URL names PostgreSQL (ENGINE
``unionhall.pgbackend``). A leaf: imports nothing of unionhall."""

from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper

PROTOCOL_MAX_PARAMS = 65_535


class _BindsLargeStatementsOnTheClient:
    """For a cursor wrapper: the first statement with too many parameters
    moves the wrapper to a client-binding cursor on the same connection."""

    def _execute(self, sql, params, *ignored_wrapper_args):
        if params is not None and len(params) > PROTOCOL_MAX_PARAMS and not isinstance(self.cursor, (base.Cursor, base.ServerSideCursor)):
            server = self.cursor
            self.cursor = self.db.client_binding_cursor(name=getattr(server, "name", None))
            server.close()
        return super()._execute(sql, params, *ignored_wrapper_args)


class _CursorWrapper(_BindsLargeStatementsOnTheClient, CursorWrapper):
    pass


class _CursorDebugWrapper(_BindsLargeStatementsOnTheClient, base.CursorDebugWrapper):
    pass


class DatabaseWrapper(base.DatabaseWrapper):
    def make_cursor(self, cursor):
        return _CursorWrapper(cursor, self)

    def make_debug_cursor(self, cursor):
        return _CursorDebugWrapper(cursor, self)

    def client_binding_cursor(self, name: str | None = None):
        """A cursor binding its parameters into the SQL, with the time zone the
        backend gives its own; named (``.iterator()``'s), one that still streams
        its rows from the server as it did."""
        if name:
            cursor = base.ServerSideCursor(self.connection, name=name, scrollable=False, withhold=self.connection.autocommit)
        else:
            cursor = base.Cursor(self.connection)
        tzloader = self.connection.adapters.get_loader(base.TIMESTAMPTZ_OID, base.Format.TEXT)
        if self.timezone != tzloader.timezone:
            base.register_tzloader(self.timezone, cursor)
        return cursor
