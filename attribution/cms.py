"""Read a newsroom CMS's story format into text, with a map back into the document.

Two formats (see ``docs/cms.md``):

* ``ans``: an Arc XP ANS story. The text is read from ``content_elements`` in
  order: ``text``, ``raw_html`` and ``header`` elements, ``quote`` (and the older
  ``blockquote``) elements, whether they hold ``content_elements`` or a
  ``content`` string, with their ``citation``, and every item of a ``list``
  (nested lists too). Images, videos, galleries, embeds, tables, dividers,
  interstitial links and pull quotes (``quote`` with ``subtype: pullquote``:
  they repeat the body) are not text of the story and are skipped. The
  headline (``headlines.basic``) and subheadline (``subheadlines.basic``) are
  kept apart from the body: returned beside it, never analysed with it.
* ``wordpress``: a post from the WordPress REST API. The text is the one of
  ``content.rendered``; ``title.rendered`` and ``excerpt.rendered`` are kept
  apart (the excerpt usually repeats the first paragraph).

Each element's ``content`` is HTML (ANS text elements may hold ``<a>``, ``<b>``
and entities), read by :func:`attribution.html.html_to_text`; the elements'
texts are joined by a blank line. Every character of the text maps back to
the element it came from and to a stretch of that element's ``content``
string, in Unicode code points, like ``html_start``/``html_end``.

A document that cannot be read raises :class:`CmsDocumentError`, with a JSON
pointer (from the request body: ``/document/...``) to what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from attribution.errors import InputError
from attribution.html import HtmlText, html_to_text

__all__ = [
    "CMS_FORMATS",
    "CmsDocumentError",
    "CmsText",
    "Piece",
    "add_cms_offsets",
    "read_ans",
    "read_cms",
    "read_wordpress",
]

CMS_FORMATS = ("ans", "wordpress")
#: Joins the texts of two elements: a paragraph break, as the HTML reader makes one.
SEPARATOR = "\n\n"
#: ANS element types whose ``content`` string is text of the story.
_CONTENT_TYPES = frozenset({"text", "raw_html", "header"})
_QUOTE_TYPES = frozenset({"quote", "blockquote"})
#: Element types that hold no text of the story (kept for the error message).
_SKIPPED_TYPES = frozenset(
    {
        "image", "video", "gallery", "oembed_response", "interstitial_link", "divider",
        "table", "custom_embed", "reference", "link_list", "correction", "element_group",
        "audio", "story", "code", "endorsement", "numeric_rating",
    }
)  # fmt: skip


class CmsDocumentError(InputError):
    """A CMS document that cannot be read: not the format's shape, or no text in it.

    ``pointer`` is a JSON pointer into the request body to the member at fault.
    """

    def __init__(self, message: str, pointer: str = "/document") -> None:
        super().__init__(message)
        self.pointer = pointer


@dataclass(frozen=True, slots=True)
class Piece:
    """One element's text: where it is in the document and its map into its ``content``."""

    pointer: str  # JSON pointer, from the document, to the element holding ``content``
    element_id: str | None  # its ``_id`` (ANS), if it has one
    index: int  # index of the top-level content element it belongs to (ANS), else 0
    start: int  # where its text starts in the joined text
    html: HtmlText  # its text and the map into its content string


@dataclass(frozen=True, slots=True)
class CmsText:
    """The text of a CMS document, the pieces it was joined from and what was kept apart."""

    format: str
    text: str
    pieces: tuple[Piece, ...]
    apart: dict[str, str | None]  # headline, subheadline (ANS); title, excerpt (WordPress)
    source_length: int  # WordPress: characters of content.rendered; ANS: content elements

    def _piece_at(self, offset: int) -> Piece:
        """Return the piece holding text offset ``offset`` (a separator: the piece before)."""
        lo, hi = 0, len(self.pieces) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.pieces[mid].start <= offset:
                lo = mid
            else:
                hi = mid - 1
        return self.pieces[lo]

    def position(self, offset: int, *, end: bool = False) -> tuple[Piece, int]:
        """Return the piece and the offset in its content of text offset ``offset``.

        With ``end``, ``offset`` is an exclusive end: the position just after the
        character before it, in that character's piece. An offset on the
        separator between two pieces is the end of the piece before.
        """
        n = len(self.text)
        if not 0 <= offset <= n:
            raise ValueError(f"offset {offset} is outside the text (length {n})")
        after = end and offset > 0
        char = offset - 1 if after else offset
        piece = self._piece_at(min(char, n - 1))
        html = piece.html
        local = char - piece.start
        if local >= len(html.text):  # the separator after this piece, or the text's end
            return piece, html.html_ends[-1]
        return piece, html.html_ends[local] if after else html.html_starts[local]

    def describe(self) -> dict[str, Any]:
        """Return what the response's ``document`` says of the CMS document."""
        out: dict[str, Any] = {"format": self.format, "length": len(self.text), "text": self.text}
        out.update(self.apart)
        if self.format == "wordpress":
            out["html_length"] = self.source_length
        else:
            out["elements"] = self.source_length
        return out


def read_cms(fmt: str, document: Any) -> CmsText:
    """Read ``document`` in CMS format ``fmt`` ("ans" or "wordpress")."""
    if fmt == "ans":
        return read_ans(document)
    if fmt == "wordpress":
        return read_wordpress(document)
    raise ValueError(f"fmt must be one of {CMS_FORMATS}, not {fmt!r}")


def _object(value: Any, pointer: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise CmsDocumentError(f"{what} must be a JSON object, not {_kind(value)}", pointer)
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _string(value: Any, pointer: str, what: str) -> str:
    if not isinstance(value, str):
        raise CmsDocumentError(f"{what} must be a string, not {_kind(value)}", pointer)
    return value


def _basic(document: Mapping[str, Any], key: str) -> str | None:
    """Return the plain text of ``document[key]["basic"]`` (an ANS headline), or None."""
    value = document.get(key)
    if value is None:
        return None
    holder = _object(value, f"/document/{key}", f"'{key}'")
    basic = holder.get("basic")
    if basic is None:
        return None
    return html_to_text(_string(basic, f"/document/{key}/basic", f"'{key}.basic'")).text


def _join(fmt: str, raw: list[tuple[str, str | None, int, str]]) -> tuple[str, tuple[Piece, ...]]:
    """Join the texts of ``(pointer, id, index, content)`` elements; skip the empty ones."""
    pieces: list[Piece] = []
    parts: list[str] = []
    at = 0
    for pointer, element_id, index, content in raw:
        html = html_to_text(content)
        if not html.text:
            continue
        if parts:
            parts.append(SEPARATOR)
            at += len(SEPARATOR)
        pieces.append(Piece(pointer, element_id, index, at, html))
        parts.append(html.text)
        at += len(html.text)
    if not pieces:
        what = "content elements" if fmt == "ans" else "content.rendered"
        raise CmsDocumentError(f"the document's {what} hold no text to analyse")
    return "".join(parts), tuple(pieces)


def read_ans(document: Any) -> CmsText:
    """Read an ANS story: its content elements' text, in order; headlines apart."""
    story = _object(document, "/document", "an ANS document")
    kind = story.get("type", "story")
    if kind != "story":
        raise CmsDocumentError(
            f"an ANS document for analysis is a story (type 'story'), not {kind!r}",
            "/document/type",
        )
    elements = story.get("content_elements")
    if not isinstance(elements, list):
        raise CmsDocumentError(
            "an ANS story needs 'content_elements': an array of the story's elements "
            f"(got {_kind(elements)})",
            "/document/content_elements",
        )
    raw: list[tuple[str, str | None, int, str]] = []
    for index, element in enumerate(elements):
        raw.extend(_ans_element(element, f"/content_elements/{index}", index))
    text, pieces = _join("ans", raw)
    apart = {
        "headline": _basic(story, "headlines"),
        "subheadline": _basic(story, "subheadlines"),
    }
    return CmsText("ans", text, pieces, apart, len(elements))


def _element_id(element: Mapping[str, Any]) -> str | None:
    value = element.get("_id")
    return value if isinstance(value, str) else None


def _ans_element(
    element: Any, pointer: str, index: int
) -> Iterator[tuple[str, str | None, int, str]]:
    """Yield ``(pointer, _id, index, content)`` for each text-bearing part of an element."""
    where = "/document" + pointer
    item = _object(element, where, f"content element {pointer}")
    kind = item.get("type")
    if not isinstance(kind, str):
        raise CmsDocumentError(f"content element {pointer} has no 'type' string", where + "/type")
    if kind in _CONTENT_TYPES:
        content = _string(item.get("content"), where + "/content", f"the {kind} element's content")
        yield pointer, _element_id(item), index, content
    elif kind in _QUOTE_TYPES:
        if item.get("subtype") == "pullquote":
            return  # repeats the body
        nested = item.get("content_elements")
        if isinstance(nested, list):
            for i, child in enumerate(nested):
                yield from _ans_element(child, f"{pointer}/content_elements/{i}", index)
        else:
            content = _string(item.get("content"), where + "/content", f"the {kind}'s content")
            yield pointer, _element_id(item), index, content
        citation = item.get("citation")
        if isinstance(citation, Mapping) and isinstance(citation.get("content"), str):
            yield f"{pointer}/citation", _element_id(citation), index, citation["content"]
    elif kind == "list":
        items = item.get("items")
        if not isinstance(items, list):
            raise CmsDocumentError(
                f"the list element {pointer} needs 'items': an array", where + "/items"
            )
        for i, child in enumerate(items):
            yield from _ans_element(child, f"{pointer}/items/{i}", index)


def read_wordpress(document: Any) -> CmsText:
    """Read a WordPress REST API post: ``content.rendered``; title and excerpt apart."""
    post = _object(document, "/document", "a WordPress post")
    content = post.get("content")
    if not isinstance(content, Mapping) or "rendered" not in content:
        raise CmsDocumentError(
            "a WordPress post needs 'content': {'rendered': the post's HTML} "
            "(as GET /wp-json/wp/v2/posts/<id> returns it)",
            "/document/content",
        )
    rendered = _string(content["rendered"], "/document/content/rendered", "'content.rendered'")
    if content.get("protected") is True and not rendered.strip():
        raise CmsDocumentError(
            "the post is password-protected and its content.rendered is empty; fetch it "
            "with its password",
            "/document/content/protected",
        )
    text, pieces = _join("wordpress", [("/content/rendered", None, 0, rendered)])
    apart = {"title": _rendered(post, "title"), "excerpt": _rendered(post, "excerpt")}
    return CmsText("wordpress", text, pieces, apart, len(rendered))


def _rendered(post: Mapping[str, Any], key: str) -> str | None:
    value = post.get(key)
    if value is None:
        return None
    holder = _object(value, f"/document/{key}", f"'{key}'")
    rendered = holder.get("rendered")
    if rendered is None:
        return None
    text = html_to_text(_string(rendered, f"/document/{key}/rendered", f"'{key}.rendered'"))
    return text.text


def add_cms_offsets(document: Any, cms: CmsText) -> Any:
    """Add where each span sits in the CMS document beside every ``start``/``end`` pair.

    WordPress: ``html_start``/``html_end``, offsets into ``content.rendered``.
    ANS: ``ans_start`` and ``ans_end``, each ``{element, id, index, offset}``:
    the JSON pointer (from the story) to the element whose ``content`` holds
    that end of the span, its ``_id`` (or null), the index of the top-level
    content element, and the offset in that ``content`` string. A span within
    one element has the same ``element`` at both ends. Walk ``document`` in
    place and return it; ``start``/``end`` keep indexing the text.
    """
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, MutableMapping):
            start, end = node.get("start"), node.get("end")
            if type(start) is int and type(end) is int:
                node.update(_locate(cms, start, end))
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return document


def _locate(cms: CmsText, start: int, end: int) -> dict[str, Any]:
    first, first_at = cms.position(start)
    if start == end:
        last, last_at = first, first_at
    else:
        last, last_at = cms.position(end, end=True)
    if cms.format == "wordpress":
        return {"html_start": first_at, "html_end": max(first_at, last_at)}
    return {"ans_start": _where(first, first_at), "ans_end": _where(last, last_at)}


def _where(piece: Piece, offset: int) -> dict[str, Any]:
    return {
        "element": piece.pointer,
        "id": piece.element_id,
        "index": piece.index,
        "offset": offset,
    }
