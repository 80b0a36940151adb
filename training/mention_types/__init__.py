"""Recipe of the mention-type model (:mod:`attribution.entities`): ``python -m training
mention-types --shared ../shared``.

Every typed mention of GUM train (the CC BY genres; gold parse), plus the bare
name of each named mention that holds more than its name, becomes one example:
its hashed feature rows and its GUM type. A linear softmax over the hash buckets
(``torch.nn.EmbeddingBag`` in sum mode, Adam, fixed seed) is trained for a few
epochs; the epoch with the best dev accuracy on named person/organization/place
mentions is kept, scored on test, written to ``mention_types.npz`` (float16)
and recorded under ``mention_types`` in the models' manifest. One epoch takes
seconds on one CPU thread.
"""
