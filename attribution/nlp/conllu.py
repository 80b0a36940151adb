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


def parse_conllu(data: str, text: str | None = None) -> ParsedDocument:
    """Build a document from CoNLL-U ``data``.

    When ``text`` is given, tokens are located in it left to right (so offsets
    point into that exact string); otherwise the text is rebuilt from the forms.
    """
    blocks = [b for b in data.strip().split("\n\n") if b.strip()]
    raw: list[list[tuple[list[str], dict[str, str]]]] = []
    for block in blocks:
        rows: list[tuple[list[str], dict[str, str]]] = []
        mwt_misc: dict[str, str] | None = None
        mwt_end = -1
        mwt_form = ""
        for line in block.splitlines():
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                raise ValueError(f"CoNLL-U line does not have 10 columns: {line!r}")
            if "." in cols[0]:
                continue
            if "-" in cols[0]:
                mwt_end = int(cols[0].split("-")[1])
                mwt_misc = _misc(cols[9])
                mwt_form = cols[1]
                continue
            misc = _misc(cols[9])
            if mwt_misc is not None:
                misc = {**misc, "_mwt": mwt_form, **{f"_mwt_{k}": v for k, v in mwt_misc.items()}}
                if int(cols[0]) == mwt_end:
                    mwt_misc = None
            rows.append((cols, misc))
        raw.append(rows)

    pieces: list[str] = []
    pos = 0
    sentences: list[Sentence] = []
    for si, rows in enumerate(raw):
        tokens: list[Token] = []
        last_mwt_span: tuple[int, int] | None = None
        for cols, misc in rows:
            form = cols[1]
            if "start_char" in misc and "end_char" in misc:
                start, end = int(misc["start_char"]), int(misc["end_char"])
            elif "_mwt" in misc:
                surface = misc["_mwt"]
                if last_mwt_span is not None and tokens and tokens[-1].start == last_mwt_span[0]:
                    start, end = last_mwt_span
                else:
                    start, end, pos = _place(surface, text, pos, pieces, misc, "_mwt_SpaceAfter")
                    last_mwt_span = (start, end)
            else:
                start, end, pos = _place(form, text, pos, pieces, misc, "SpaceAfter")
                last_mwt_span = None
            head = int(cols[6]) - 1 if cols[6] not in ("_", "") else -1
            tokens.append(
                Token(
                    index=len(tokens),
                    text=form,
                    lemma=cols[2],
                    upos=cols[3],
                    xpos=cols[4],
                    feats=cols[5],
                    head=head,
                    deprel=cols[7],
                    start=start,
                    end=end,
                )
            )
        if text is None and pieces and not pieces[-1].endswith(" "):
            pieces.append(" ")
            pos += 1
        if tokens:
            sentences.append(Sentence(si, tuple(tokens), tokens[0].start, tokens[-1].end))
    full = text if text is not None else "".join(pieces).rstrip(" ")
    return ParsedDocument(full, tuple(sentences))


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
