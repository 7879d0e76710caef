"""Bargaining: negotiating bodies, agreements, the commitments tracker, disputes, job-evaluation reviews and back pay (issue 13)."""
