"""Casework: members ask for help, reps run cases to their deadlines, and case files stay confidential (issue 14)."""
