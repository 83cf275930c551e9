"""Blank-card stock and distribution of printed cards (issues: blank stock, distribution)."""
