"""The ballot engine's published interface: all that elections, conference,
mandates, and any app to come, may use of ``ballots``.

Everything here takes keyword-only arguments and answers in frozen
dataclasses or the engine's own enums, so no caller reads the engine's models
or unpacks its answers by position. A ForeignKey to ``"ballots.Ballot"``
(named by string) is how a caller's row points at its ballot; it passes the
ballot's id back in here."""

from unionhall.ballots import hooks
from unionhall.ballots.hooks import DriveTerms, RuleProfile

__all__ = ["DriveTerms", "RuleProfile", "register_profile"]


# --- Rule profiles ----------------------------------------------------------------


def register_profile(profile: RuleProfile) -> None:
    """Plug a rule profile into the engine (see ``ballots.hooks``). Call from
    the owning app's ``AppConfig.ready()``, once at start-up."""
    hooks.register(profile)
