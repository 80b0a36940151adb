"""Turn an HTML article into plain text and keep an offset map back to the HTML.

Offsets are Unicode code points (Python ``str`` indices) into the HTML string
as it was sent, end exclusive, the same unit as every span the engine returns.

Rules, kept simple and predictable:

* text inside ``script``, ``style``, ``noscript``, ``template``, ``head``,
  ``svg`` and ``iframe`` is dropped, and so are comments, doctypes and
  processing instructions;
* character references (``&amp;``, ``&#8220;``) are decoded;
* runs of whitespace (any Unicode space, no-break included) become one space; block
  elements (``p``, ``div``, ``h1``, ``li``...) end a paragraph (``"\\n\\n"``)
  and ``br`` ends a line (``"\\n"``); leading and trailing whitespace is removed.

Every character of the extracted text maps to the stretch of HTML it came from:
a plain character to itself, a decoded reference to the whole ``&...;``, a
collapsed space to the first whitespace character of its run, and an inserted
line break to an empty stretch at the tag that caused it.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any

__all__ = ["HtmlText", "add_html_offsets", "html_to_text"]

_SKIP = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "html", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
        "table", "td", "th", "title", "tr", "ul",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class HtmlText:
    """Extracted text plus, for each of its characters, where it came from in the HTML."""

    text: str
    html_starts: tuple[int, ...]
    html_ends: tuple[int, ...]
    html_length: int

    def to_html(self, start: int, end: int) -> tuple[int, int]:
        """Map text span ``[start, end)`` to the HTML span it was extracted from."""
        n = len(self.text)
        if not 0 <= start <= end <= n:
            raise ValueError(f"span [{start}, {end}) is outside the text (length {n})")
        if start == end:
            pos = self.html_starts[start] if start < n else self.html_length
            if start == n and n:
                pos = self.html_ends[n - 1]
            return pos, pos
        return self.html_starts[start], max(self.html_starts[start], self.html_ends[end - 1])


class _Extractor(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0]
        for i, ch in enumerate(html):
            if ch == "\n":
                self._line_starts.append(i + 1)
        self._html = html
        self.out: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._skip_depth = 0
        self._pending_break = 0
        self._break_pos = 0
        self._space_pos = -1

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _emit(self, ch: str, start: int, end: int) -> None:
        if self.out:
            if self._pending_break:
                for _ in range(self._pending_break):
                    self.out.append("\n")
                    self.starts.append(self._break_pos)
                    self.ends.append(self._break_pos)
            elif self._space_pos >= 0:
                self.out.append(" ")
                self.starts.append(self._space_pos)
                self.ends.append(self._space_pos + 1)
        self._pending_break = 0
        self._space_pos = -1
        self.out.append(ch)
        self.starts.append(start)
        self.ends.append(end)

    def _space(self, pos: int) -> None:
        if self._space_pos < 0:
            self._space_pos = pos

    def _block(self, size: int) -> None:
        if self._pending_break < size:
            if not self._pending_break:
                self._break_pos = self._offset()
            self._pending_break = size
        self._space_pos = -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip_depth += 1
            return
        if tag == "br":
            self._block(1)
        elif tag in _BLOCK:
            self._block(2)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._block(1)
        elif tag in _BLOCK:
            self._block(2)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCK or tag == "br":
            self._block(2 if tag in _BLOCK else 1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        base = self._offset()
        if self._html.startswith(data, base):
            positions: Iterator[tuple[str, int, int]] = (
                (ch, base + i, base + i + 1) for i, ch in enumerate(data)
            )
        else:  # CDATA and friends: map every character to the whole chunk
            end = base + len(data)
            positions = ((ch, base, end) for ch in data)
        for ch, start, end in positions:
            if ch.isspace():
                if not self._pending_break:
                    self._space(start)
            else:
                self._emit(ch, start, end)

    def _reference(self, raw_prefix: str, name: str) -> None:
        if self._skip_depth:
            return
        start = self._offset()
        end = start + len(raw_prefix) + len(name)
        if self._html.startswith(";", end):
            end += 1
        decoded = unescape(self._html[start:end])
        for ch in decoded:
            if ch.isspace():
                if not self._pending_break:
                    self._space(start)
            else:
                self._emit(ch, start, end)

    def handle_entityref(self, name: str) -> None:
        self._reference("&", name)

    def handle_charref(self, name: str) -> None:
        self._reference("&#", name)


def html_to_text(html: str) -> HtmlText:
    """Extract the readable text of ``html`` with a per-character map back into it."""
    parser = _Extractor(html)
    parser.feed(html)
    parser.close()
    return HtmlText(
        text="".join(parser.out),
        html_starts=tuple(parser.starts),
        html_ends=tuple(parser.ends),
        html_length=len(html),
    )


def add_html_offsets(document: Any, mapping: HtmlText) -> Any:
    """Add ``html_start``/``html_end`` beside every ``start``/``end`` pair in a dumped result.

    Walk dicts and lists in place and return ``document``; ``start``/``end``
    keep indexing the extracted text.
    """
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, MutableMapping):
            start, end = node.get("start"), node.get("end")
            if type(start) is int and type(end) is int:
                node["html_start"], node["html_end"] = mapping.to_html(start, end)
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(v for v in node if isinstance(v, dict | list))
    return document
