"""One way to refuse a request, for every app.

A service raises ``Refused(message, status=...)`` when it will not do what was
asked; it has changed nothing when it raises. ``message`` is written for the
person who asked and is shown to them. ``status`` is the HTTP status a view
answers with:

- 400 (the default): the request is wrong or comes at the wrong time; say why.
- 403: this person may not do this at all. Views answer it through
  ``members.access.answer_refusal``, which records it in the audit log.
- 404: the thing is not there *for this person*, answered exactly as if it did
  not exist, so a refusal never tells an outsider what exists.
- 409, 413, 422, 429: a conflict, too large, well formed but wrong, too many.

This module imports nothing of the project's, so any app, pure helper or
command may raise it.
"""


class Refused(Exception):
    """The request cannot be done; nothing was changed. ``status`` is the HTTP
    status to answer with (see the module's docstring)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status

    @property
    def message(self) -> str:
        return str(self)
