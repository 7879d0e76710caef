"""Presenting a ``Result``: plain-text table, JSON and a standalone HTML page."""

from .html import render_html
from .text import render_text

__all__ = ["render_html", "render_text"]
