"""Deleting the files members uploaded: the rows at once, the files on disk
once the transaction commits, so a rollback leaves both. A leaf module
(models only), so services, replies and evidence can all use it."""

from django.db import transaction

from unionhall.campaigns.models import Letter, ReplyFile


def delete_on_commit(field_file) -> None:
    """Remove ``field_file`` from its storage after the current transaction commits."""
    transaction.on_commit(lambda name=field_file.name, storage=field_file.storage: storage.delete(name))


def drop_reply_files(letter: Letter) -> int:
    """Delete the letter's reply files; returns how many."""
    files = list(ReplyFile.objects.filter(letter=letter))
    for f in files:
        delete_on_commit(f.file)
    ReplyFile.objects.filter(pk__in=[f.pk for f in files]).delete()
    return len(files)
