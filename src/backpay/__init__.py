"""Back pay arithmetic, pure (no Django): scales, histories and what is owed per period (issue 13)."""
