"""Settings for the whole suite."""

from hypothesis import settings

# No time limit per example: the suite runs on loaded two-core machines, where
# a pure function's example can take longer than hypothesis's default 200 ms
# for reasons that have nothing to do with the code (a curve test failed so in
# CI's neighbour). Speed is measured by bench/, never by a test.
settings.register_profile("unionhall", deadline=None)
settings.load_profile("unionhall")
