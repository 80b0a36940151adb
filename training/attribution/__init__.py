"""Recipe for the learned attribution model (issue 11): ``python -m training attribution ...``.

Stages: ``parse`` (cache the project's own Stanza parse and repair of every
PolNeAR train/dev article), ``train`` (span tagger and linker), ``bundle``
(copy the weights into ``attribution/models/`` with their manifest entry).
"""
