"""What a channel reports for each message it tried to send."""

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class Outcome:
    SENT = "sent"
    TRANSIENT = "transient"  # the server or the network: try again later
    REFUSED = "refused"  # the address was refused for good: flag it, never try again
    FAILED = "failed"  # anything else that will not get better by trying again

    kind: str
    error: str = ""
    provider_id: str = ""

    @classmethod
    def sent(cls, provider_id: str = "") -> "Outcome":
        return cls(cls.SENT, provider_id=provider_id or "")

    @classmethod
    def of(cls, kind: str, exc: BaseException) -> "Outcome":
        return cls(kind, error=f"{type(exc).__name__}: {exc}")


def fill(template: str, values: dict, *, html: bool = False) -> str:
    """``template`` with each ``[[name]]`` replaced by its value (escaped for HTML)."""
    for name, value in values.items():
        marker = f"[[{name}]]"
        if marker in template:
            template = template.replace(marker, escape(str(value)) if html else str(value))
    return template
