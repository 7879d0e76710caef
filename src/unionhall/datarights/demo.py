"""The demo union's data rights: fictional data that shows the app at work."""


def build_demo(seed: int) -> list[str]:
    """Build this app's part of the demo union (every other app's part exists already); return the lines the demo command prints about it."""
    return []
