"""Markdown to safe HTML, in one place.

Bulletins are written by officers and get the CommonMark block set; comments
are written by any member and get a subset (no headings, rules or images).
Raw HTML is disabled in the parser, and whatever the parser emits is cleaned
again by nh3 against an allowlist, so a mistake in either layer is caught by
the other. Links are marked rel="nofollow ugc noopener" and may only point at
http(s) or mailto addresses."""

import nh3
from markdown_it import MarkdownIt

LINK_REL = "nofollow ugc noopener"
URL_SCHEMES = {"http", "https", "mailto"}

_COMMENT_TAGS = {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
_BULLETIN_TAGS = _COMMENT_TAGS | {"h2", "h3", "h4", "hr"}
_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

_bulletin_parser = MarkdownIt("commonmark", {"html": False})
_comment_parser = MarkdownIt("commonmark", {"html": False}).disable(["heading", "lheading", "hr", "image"])


def _clean(html: str, tags: set[str]) -> str:
    return nh3.clean(
        html,
        tags=tags,
        clean_content_tags={"script", "style"},
        attributes=_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_bulletin(text: str) -> str:
    """HTML for a bulletin's body. A heading written as "# Title" comes out as
    <h2>, because the page's own <h1> is the bulletin's title."""
    html = _bulletin_parser.render(text).replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return _clean(html, _BULLETIN_TAGS)


def render_comment(text: str) -> str:
    """HTML for a member's comment: paragraphs, emphasis, links, lists, quotes, code."""
    return _clean(_comment_parser.render(text), _COMMENT_TAGS)
