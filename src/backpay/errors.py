"""The one error of the back-pay package: bad input, with every problem found listed."""


class BackpayError(ValueError):
    """The input cannot be used. ``problems`` lists each fault in words a member or
    an officer can act on ("new scale, row 3: amount 'abc' is not a number")."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
