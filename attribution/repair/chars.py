"""Safe character fixes on the copy used for NLP (issue 3, part 4).

HTML entities, Unicode spaces, soft hyphens, zero-width and bidi marks, and
mojibake runs that ftfy flags. Quote marks are never rewritten (ftfy runs with
``uncurl_quotes=False``), and nothing outside a flagged run is touched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from attribution.repair.offsets import Edit

ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# No-break, typographic and ideographic spaces: one space each (same length).
SPACE_RE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Soft hyphen, zero-width space/joiners, word joiner, BOM, directional marks: removed.
INVISIBLE_RE = re.compile("[\u00ad\u200b\u2060\ufeff\u200e\u200f\u202a-\u202e]")
# Joiners are kept next to emoji, removed inside Latin words.
JOINER_RE = re.compile("(?<=[A-Za-z])[\u200c\u200d](?=[A-Za-z])")
# Whitespace-delimited chunk around a flagged mojibake sequence.
CHUNK_RE = re.compile(r"\S+")
# Control characters (not tab/newline/CR) that scraping leaves behind.
# Sequences that betray a partial decoding ("RaÃÂol", "realâ€world").
LEFTOVER_MOJIBAKE = ("Ã", "Â", "â€")
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _ftfy_config() -> object:
    """Return the ftfy configuration: fix encodings (NFC inside the run), keep quotes and widths."""
    from ftfy import TextFixerConfig

    return TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        remove_control_chars=False,
        normalization="NFC",
    )


def mojibake_edits(text: str) -> list[Edit]:
    """Return fixes for the whitespace-delimited runs that ftfy's badness check flags."""
    from ftfy import fix_text
    from ftfy.badness import BADNESS_RE, is_bad

    edits: list[Edit] = []
    last_end = -1
    for m in BADNESS_RE.finditer(text):
        if m.start() < last_end:
            continue
        start = max(text.rfind(" ", 0, m.start()), text.rfind("\n", 0, m.start())) + 1
        chunk = CHUNK_RE.match(text, start)
        if chunk is None:
            continue
        last_end = chunk.end()
        fixed = fix_text(chunk.group(), _ftfy_config())  # type: ignore[arg-type]
        if fixed != chunk.group() and _complete(fixed, is_bad):
            edits.append(Edit(chunk.start(), chunk.end(), fixed, "char"))
    return edits


def _complete(fixed: str, is_bad: Callable[[str], bool]) -> bool:
    """Return True if ``fixed`` has no mojibake left (a partial fix is no fix)."""
    return not is_bad(fixed) and not any(m in fixed for m in LEFTOVER_MOJIBAKE)


def _entity_edits(text: str) -> list[Edit]:
    """Return decodings of HTML entities (only ones that decode to something else)."""
    edits = []
    for m in ENTITY_RE.finditer(text):
        decoded = html.unescape(m.group())
        if decoded != m.group():
            edits.append(Edit(m.start(), m.end(), decoded, "char", trim=False))
    return edits


def char_edits(text: str) -> list[Edit]:
    """Return all safe character fixes of ``text`` (non-overlapping, any order)."""
    edits = _entity_edits(text)
    edits.extend(Edit(m.start(), m.end(), " ", "char") for m in SPACE_RE.finditer(text))
    for regex in (INVISIBLE_RE, JOINER_RE, CONTROL_RE):
        edits.extend(Edit(m.start(), m.end(), "", "char") for m in regex.finditer(text))
    if not text.isascii():
        edits.extend(mojibake_edits(text))
    return _drop_overlaps(edits)


def _drop_overlaps(edits: list[Edit]) -> list[Edit]:
    """Keep the first (then the longest) of overlapping edits, in text order."""
    out: list[Edit] = []
    end = -1
    for e in sorted(edits, key=lambda e: (e.start, -(e.end - e.start))):
        if e.start < end:
            continue
        out.append(e)
        end = max(end, e.end)
    return out
