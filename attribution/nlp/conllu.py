"""Read CoNLL-U into :class:`ParsedDocument`, for tests and evaluation.

Character offsets come from the ``start_char``/``end_char`` keys in MISC when
present (Stanza writes them); otherwise tokens are laid out with one space
between them unless MISC says ``SpaceAfter=No``, and sentences are joined by
a single space. Multi-word token ranges (``1-2``) are skipped: offsets of
their words are taken from the range line.
"""

from __future__ import annotations

from attribution.types import ParsedDocument, Sentence, Token


def _misc(misc: str) -> dict[str, str]:
    out: dict[str, str] = {}
    if misc in ("", "_"):
        return out
    for part in misc.split("|"):
        k, _, v = part.partition("=")
        out[k] = v
    return out


Row = tuple[list[str], dict[str, str]]


def _rows(block: str) -> list[Row]:
    """Return the word lines of a sentence block; a multi-word token's MISC rides on its words."""
    rows: list[Row] = []
    mwt_misc: dict[str, str] | None = None
    mwt_end, mwt_form = -1, ""
    for line in block.splitlines():
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 10:
            raise ValueError(f"CoNLL-U line does not have 10 columns: {line!r}")
        if "." in cols[0]:
            continue
        if "-" in cols[0]:
            mwt_end, mwt_misc, mwt_form = int(cols[0].split("-")[1]), _misc(cols[9]), cols[1]
            continue
        misc = _misc(cols[9])
        if mwt_misc is not None:
            misc = {**misc, "_mwt": mwt_form, **{f"_mwt_{k}": v for k, v in mwt_misc.items()}}
            if int(cols[0]) == mwt_end:
                mwt_misc = None
        rows.append((cols, misc))
    return rows


class _Layout:
    """Place words in ``text`` left to right, or rebuild the text from the forms."""

    def __init__(self, text: str | None) -> None:
        self.text = text
        self.pieces: list[str] = []
        self.pos = 0
        self.last_mwt: tuple[int, int] | None = None

    def offsets(self, form: str, misc: dict[str, str], tokens: list[Token]) -> tuple[int, int]:
        """Return the word's offsets; the words of one multi-word token share its span."""
        if "start_char" in misc and "end_char" in misc:
            return int(misc["start_char"]), int(misc["end_char"])
        if "_mwt" not in misc:
            self.last_mwt = None
            return self._place(form, misc, "SpaceAfter")
        last = self.last_mwt
        if last is not None and tokens and tokens[-1].start == last[0]:
            return last
        self.last_mwt = self._place(misc["_mwt"], misc, "_mwt_SpaceAfter")
        return self.last_mwt

    def _place(self, form: str, misc: dict[str, str], space_key: str) -> tuple[int, int]:
        start, end, self.pos = _place(form, self.text, self.pos, self.pieces, misc, space_key)
        return start, end

    def end_sentence(self) -> None:
        if self.text is None and self.pieces and not self.pieces[-1].endswith(" "):
            self.pieces.append(" ")
            self.pos += 1

    def full_text(self) -> str:
        return self.text if self.text is not None else "".join(self.pieces).rstrip(" ")


def _token(cols: list[str], index: int, start: int, end: int) -> Token:
    head = int(cols[6]) - 1 if cols[6] not in ("_", "") else -1
    return Token(
        index=index,
        text=cols[1],
        lemma=cols[2],
        upos=cols[3],
        xpos=cols[4],
        feats=cols[5],
        head=head,
        deprel=cols[7],
        start=start,
        end=end,
    )


def parse_conllu(data: str, text: str | None = None) -> ParsedDocument:
    """Build a document from CoNLL-U ``data``.

    When ``text`` is given, tokens are located in it left to right (so offsets
    point into that exact string); otherwise the text is rebuilt from the forms.
    """
    raw = [_rows(b) for b in data.strip().split("\n\n") if b.strip()]
    layout = _Layout(text)
    sentences: list[Sentence] = []
    for si, rows in enumerate(raw):
        tokens: list[Token] = []
        layout.last_mwt = None
        for cols, misc in rows:
            start, end = layout.offsets(cols[1], misc, tokens)
            tokens.append(_token(cols, len(tokens), start, end))
        layout.end_sentence()
        if tokens:
            sentences.append(Sentence(si, tuple(tokens), tokens[0].start, tokens[-1].end))
    return ParsedDocument(layout.full_text(), tuple(sentences))


def _place(
    form: str,
    text: str | None,
    pos: int,
    pieces: list[str],
    misc: dict[str, str],
    space_key: str,
) -> tuple[int, int, int]:
    """Locate ``form`` at or after ``pos``; return start, end and the new position."""
    if text is not None:
        start = text.find(form, pos)
        if start < 0:
            raise ValueError(f"token {form!r} not found in text after offset {pos}")
        return start, start + len(form), start + len(form)
    start = pos
    pieces.append(form)
    pos += len(form)
    if misc.get(space_key) != "No":
        pieces.append(" ")
        pos += 1
    return start, start + len(form), pos
