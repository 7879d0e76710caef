"""The one error the package raises for bad input."""


class DeadlineError(ValueError):
    """The input cannot give a deadline; the message says why, in words a rep can act on.

    The command line prints it and exits with status 2. Nothing is guessed:
    a date the rules do not cover, a certificate before the ACAS contact or a
    misspelt option is refused rather than worked out some other way.
    """
