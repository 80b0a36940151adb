"""Audit the sourcing of a whole archive, on one machine or a Dask cluster.

``attribution audit INPUT... --out DIR`` (:mod:`attribution.audit.command`)
reads an archive (:mod:`~attribution.audit.inputs`), analyses its articles on
Dask workers that load the models once (:mod:`~attribution.audit.worker`,
:mod:`~attribution.audit.runner`), writes Parquet tables that resume where a
run stopped (:mod:`~attribution.audit.store`) and a report an editor reads
(:mod:`~attribution.audit.report`, :mod:`~attribution.audit.render`). See
``docs/audit.md``. Needs the ``audit`` extra (Dask, pyarrow, pandas,
matplotlib, tqdm); importing this package imports none of them.
"""

from __future__ import annotations

__all__: list[str] = []
