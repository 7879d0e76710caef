"""Surveys: workload pulses, surveys and equality monitoring, published through disclosure control (issue 12)."""
