"""Campaigns: members write to their MP or a named target from a campaign brief, and send evidence to calls for evidence (issue 11)."""
