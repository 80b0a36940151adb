"""Marshmallow schemas for what clients send (the results use attribution.schemas)."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from attribution.language import unpaired_surrogate

MAX_ID = 256


def _valid_unicode(value: str) -> None:
    problem = unpaired_surrogate(value)
    if problem is not None:
        raise ValidationError(problem)


#: Blank: Python's whitespace (``str.isspace``) and the BOM. openapi.yaml says the same
#: with ``pattern: "[^\\s\\x1c-\\x1f\\x85\\ufeff]"``, read alike by Python's and
#: ECMAScript's regular expressions.
_BLANK = re.compile(r"[\s\x1c-\x1f\x85\ufeff]*")


def _not_blank(value: str) -> None:
    if _BLANK.fullmatch(value):
        raise ValidationError("must contain some non-whitespace text")
    _valid_unicode(value)


class StrictBoolean(fields.Field):  # type: ignore[type-arg]
    """``true`` or ``false`` only: no ``"false"`` string, no ``0``/``1``."""

    default_error_messages = {"invalid": "Not a boolean: send true or false."}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


class OptionsSchema(Schema):
    """The engine options a client may set; anything else is a 422 naming the member."""

    class Meta:
        unknown = RAISE

    repair = StrictBoolean(
        metadata={"description": "Repair scraping damage before parsing (default true)."}
    )
    model = StrictBoolean(
        metadata={
            "description": (
                "Run the learned attribution model with the rules (default true); false runs "
                "the rules alone. It cannot switch on a model the server runs without "
                "(ATTRIBUTION_MODEL=0)."
            )
        }
    )


#: Formats whose article is a string in ``text``, and CMS formats whose story is ``document``.
TEXT_FORMATS = ("text", "html")
CMS_FORMATS = ("ans", "wordpress")


class ArticleSchema(Schema):
    """One article: ``{"text", "id"?, "format"?, "options"?}``, or for a CMS format
    ``{"format": "ans" | "wordpress", "document", "id"?, "options"?}``."""

    class Meta:
        unknown = RAISE

    text = fields.String(validate=_not_blank)
    document = fields.Dict(
        keys=fields.String(),
        metadata={"description": "The CMS story (format ans or wordpress)."},
    )
    id = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=MAX_ID), _valid_unicode],
    )
    format = fields.String(
        load_default="text", validate=validate.OneOf([*TEXT_FORMATS, *CMS_FORMATS])
    )
    options = fields.Nested(OptionsSchema, load_default=None, allow_none=True)

    @validates_schema
    def _text_or_document(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Text formats need ``text`` and no ``document``; CMS formats the other way round."""
        fmt = data.get("format", "text")
        if fmt in CMS_FORMATS:
            if "text" in data:
                raise ValidationError(
                    f"format {fmt} sends its story in 'document', not 'text'", "text"
                )
            if "document" not in data:
                raise ValidationError(
                    f"Missing data for required field (format {fmt} needs its story here).",
                    "document",
                )
        elif fmt in TEXT_FORMATS:
            if "document" in data:
                raise ValidationError(
                    f"format {fmt} sends its article in 'text'; 'document' is for the CMS "
                    f"formats {', '.join(CMS_FORMATS)}",
                    "document",
                )
            if "text" not in data:
                raise ValidationError("Missing data for required field.", "text")


class BatchSchema(Schema):
    """A batch: ``{"items": [article, ...]}``; each item is validated on its own."""

    class Meta:
        unknown = RAISE

    items = fields.List(fields.Raw(allow_none=True), required=True, validate=validate.Length(min=1))


ARTICLE_SCHEMA = ArticleSchema()
BATCH_SCHEMA = BatchSchema()
