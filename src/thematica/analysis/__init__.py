"""Analysis over a project's coding: queries, frequencies (themes, matrices and saturation come later)."""
