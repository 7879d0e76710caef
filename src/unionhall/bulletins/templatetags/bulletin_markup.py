"""The only place member or officer text is marked safe: the output of nh3 in
``unionhall.bulletins.markup``, which keeps an allowlist of tags, attributes
and URL schemes. Everything else in the bulletin templates is auto-escaped."""

from django import template
from django.utils.safestring import mark_safe

from unionhall.bulletins.markup import render_bulletin, render_comment

register = template.Library()


@register.filter
def bulletin_html(text: str):
    # Safe: nh3 output under a fixed allowlist (see markup.py).
    return mark_safe(render_bulletin(text))  # noqa: S308


@register.filter
def comment_html(text: str):
    # Safe: nh3 output under a fixed allowlist (see markup.py).
    return mark_safe(render_comment(text))  # noqa: S308
