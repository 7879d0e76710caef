"""The demo union's casework: fictional data that shows the app at work."""


def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (members, offices and ballots
    exist already); return the lines the demo command prints about it."""
    return []
