"""Modules Stanza imports but the parser never calls, loaded on first use (issue 13).

Stanza's document and resource modules import ``networkx`` (graphs for
enhanced dependencies and transition parsing), ``requests`` (model downloads)
and ``emoji`` (language identification) at their top, so every process that
loads Stanza held about 400 modules and 17 MB of memory it never ran (the
whole engine after loading and the seed article: 437 against 420 MB, in one
run each way). Before Stanza is first imported, :func:`defer_unused_imports`
puts a placeholder in ``sys.modules`` for each: the module's spec, file and
search path, so ``import networkx as nx`` binds the placeholder, and the
first use of any other attribute (``nx.DiGraph``) imports the real module and
copies its names into the placeholder. Code that uses them works as before,
one import later.

A placeholder answers ``__file__``, ``__spec__`` and ``__path__`` itself:
``inspect.getmodule`` reads ``__file__`` of every module (``wordfreq`` calls it
at import), and the import system reads ``__spec__`` on every ``import``
statement; either would load a module deferred by ``importlib.util.LazyLoader``.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

#: Imported by Stanza at module level, used only on paths the parser never runs.
DEFERRED = ("networkx", "requests", "emoji")

_lock = threading.RLock()
#: The deferred modules imported since.
_loaded: set[str] = set()


class DeferredModule(types.ModuleType):
    """A placeholder that imports its module on first use of a name it does not hold."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.load(), name)

    def load(self) -> types.ModuleType:
        """Import the real module (once), copy its names here and return it."""
        with _lock:
            module = sys.modules.get(self.__name__)
            if module is self or module is None:
                sys.modules.pop(self.__name__, None)
                try:
                    module = importlib.import_module(self.__name__)
                except BaseException:
                    sys.modules.setdefault(self.__name__, self)
                    raise
            self.__dict__.update(module.__dict__)
            _loaded.add(self.__name__)
            return module


def defer_unused_imports(names: tuple[str, ...] = DEFERRED) -> list[str]:
    """Put a :class:`DeferredModule` in ``sys.modules`` for each of ``names`` not yet
    imported (and installed); return which."""
    done = []
    with _lock:
        for name in names:
            if name in sys.modules:
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                continue
            placeholder = DeferredModule(name)
            placeholder.__spec__ = spec
            placeholder.__loader__ = spec.loader
            placeholder.__file__ = spec.origin
            if spec.submodule_search_locations is not None:
                placeholder.__path__ = list(spec.submodule_search_locations)
            sys.modules[name] = placeholder
            done.append(name)
    return done


def is_deferred(name: str) -> bool:
    """Tell whether ``name`` is still a placeholder, its module not imported."""
    return isinstance(sys.modules.get(name), DeferredModule) and name not in _loaded
