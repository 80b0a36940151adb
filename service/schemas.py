"""Marshmallow schemas for what clients send (the results use attribution.schemas)."""

from __future__ import annotations

from marshmallow import RAISE, Schema, ValidationError, fields, validate

MAX_ID = 256


def _valid_unicode(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"contains an unpaired surrogate (U+{ord(value[exc.start]):04X}) at offset "
            f"{exc.start}; send valid Unicode"
        ) from None


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must contain some non-whitespace text")
    _valid_unicode(value)


class ArticleSchema(Schema):
    """One article: ``{"text", "id"?, "format"?, "options"?}``."""

    class Meta:
        unknown = RAISE

    text = fields.String(required=True, validate=_not_blank)
    id = fields.String(
        load_default=None,
        allow_none=True,
        validate=[validate.Length(min=1, max=MAX_ID), _valid_unicode],
    )
    format = fields.String(load_default="text", validate=validate.OneOf(["text", "html"]))
    options = fields.Dict(keys=fields.String(), load_default=None, allow_none=True)


class BatchSchema(Schema):
    """A batch: ``{"items": [article, ...]}``; each item is validated on its own."""

    class Meta:
        unknown = RAISE

    items = fields.List(fields.Raw(allow_none=True), required=True, validate=validate.Length(min=1))


ARTICLE_SCHEMA = ArticleSchema()
BATCH_SCHEMA = BatchSchema()
