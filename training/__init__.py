"""Reproducible recipe for the project's own English Stanza models.

``python -m training all --ud ../shared/data/ud-english --out work/train`` prepares
the data and trains tokenizer, MWT expander, lemmatizer, POS tagger and
dependency parser with Stanza's own training modules, then
``python -m training bundle`` copies the final models into ``attribution/models``
with a manifest. See ``training/README.md``.
"""
