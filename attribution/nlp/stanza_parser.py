"""Build the Stanza pipeline once per process, with no network access.

By default the models bundled in ``attribution/models`` (trained by the recipe
in ``training/``) are loaded from explicit paths. When ``stanza_dir`` (or the
``ATTRIBUTION_STANZA_DIR`` setting, :mod:`attribution.settings`) names a
``stanza_resources`` folder that holds official English models, those are used
instead; ``models_dir`` (or ``ATTRIBUTION_MODELS_DIR``) points at another folder
laid out like the bundle, with its own ``manifest.json`` (a newly trained
candidate, say). Stanza is always
called with ``download_method=None``: nothing is ever fetched.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from attribution.errors import ModelLoadError, ModelNotFoundError
from attribution.nlp import fast_decode
from attribution.nlp.convert import to_document
from attribution.settings import Settings, env_name
from attribution.settings import settings as current_settings
from attribution.types import ParsedDocument

BUNDLED_DIR = Path(__file__).resolve().parent.parent / "models"
PROCESSORS = "tokenize,mwt,pos,lemma,depparse"
ENV_STANZA_DIR = env_name("stanza_dir")
ENV_THREADS = env_name("threads")
ENV_MODELS_DIR = env_name("models_dir")
# Words per tagger/lemmatizer/parser batch. Stanza's defaults batch a whole long
# article at once: on a 22k-character article peak RSS fell from 1.5 GB to 0.53 GB
# with 500, and parsing got faster (benchmarks/bench_parser.py).
BATCH_SIZES = {"pos_batch_size": 500, "lemma_batch_size": 500, "depparse_batch_size": 500}
FIX_HINT = (
    "Reinstall the package from a full clone (the models are committed under attribution/models), "
    "or set ATTRIBUTION_STANZA_DIR to a stanza_resources folder holding official English models."
)


def available_cores() -> int:
    """Return the cores this process may run on (respects CPU affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def load_manifest(models_dir: Path = BUNDLED_DIR) -> dict[str, Any]:
    """Read the bundled models' manifest, or raise :class:`ModelNotFoundError`."""
    path = models_dir / "manifest.json"
    if not path.is_file():
        raise ModelNotFoundError(f"No model manifest at {path}. {FIX_HINT}")
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"Model manifest {path} is unreadable ({exc}). {FIX_HINT}") from exc
    return data


def verify_bundle(models_dir: Path = BUNDLED_DIR, *, check_hashes: bool = False) -> dict[str, Path]:
    """Return the bundled model files by role; raise if one is missing or (optionally) corrupt."""
    manifest = load_manifest(models_dir)
    paths: dict[str, Path] = {}
    for role, entry in manifest["files"].items():
        path = models_dir / entry["file"]
        if not path.is_file():
            raise ModelNotFoundError(f"Model file for {role} is missing: {path}. {FIX_HINT}")
        if check_hashes:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest != entry["sha256"]:
                raise ModelLoadError(
                    f"Model file {path} is corrupt (sha256 {digest[:12]}... does not match the "
                    f"manifest). {FIX_HINT}"
                )
        paths[role] = path
    return paths


def _bundled_kwargs(models_dir: Path) -> dict[str, Any]:
    p = verify_bundle(models_dir)
    return {
        "dir": str(models_dir),
        "allow_unknown_language": True,
        "tokenize_model_path": str(p["tokenize"]),
        "mwt_model_path": str(p["mwt"]),
        "pos_model_path": str(p["pos"]),
        "pos_pretrain_path": str(p["pretrain"]),
        "lemma_model_path": str(p["lemma"]),
        "depparse_model_path": str(p["depparse"]),
        "depparse_pretrain_path": str(p["pretrain"]),
        "pos_forward_charlm_path": None,
        "pos_backward_charlm_path": None,
        "depparse_forward_charlm_path": None,
        "depparse_backward_charlm_path": None,
        "lemma_forward_charlm_path": None,
        "lemma_backward_charlm_path": None,
    }


def _official_kwargs(stanza_dir: Path) -> dict[str, Any]:
    if not (stanza_dir / "resources.json").is_file() or not (stanza_dir / "en").is_dir():
        raise ModelNotFoundError(
            f"{stanza_dir} is not a stanza_resources folder with English models (expected "
            f"resources.json and en/). Download them on a machine with network access with "
            f"stanza.download('en', model_dir=...) and copy the folder, or unset {ENV_STANZA_DIR} "
            "to use the bundled models."
        )
    return {"dir": str(stanza_dir)}


@dataclass(frozen=True)
class ParserConfig:
    """Where the models come from and how many threads torch may use."""

    stanza_dir: str | None = None
    threads: int | None = None
    models_dir: str | None = None

    @classmethod
    def from_env(
        cls,
        stanza_dir: str | None = None,
        threads: int | None = None,
        models_dir: str | None = None,
        *,
        settings: Settings | None = None,
    ) -> ParserConfig:
        """Return the values given, the rest from ``settings`` (default: the process's)."""
        env = settings or current_settings()
        return cls(
            stanza_dir=stanza_dir or env.stanza_dir,
            threads=threads or env.threads,
            models_dir=models_dir or env.models_dir,
        )

    @property
    def bundle(self) -> Path:
        """Return the folder of project-format models this configuration loads."""
        return Path(self.models_dir) if self.models_dir else BUNDLED_DIR


class StanzaParser:
    """A loaded Stanza pipeline that returns :class:`ParsedDocument` values."""

    def __init__(self, config: ParserConfig | None = None) -> None:
        self.config = config or ParserConfig.from_env()
        self._lock = threading.Lock()

    @property
    def source(self) -> str:
        return self.config.stanza_dir or str(self.config.bundle)

    @cached_property
    def pipeline(self) -> Any:
        """Load the pipeline (once); raise a specific error saying what failed."""
        import stanza
        import torch

        torch.set_num_threads(self.config.threads or available_cores())
        if self.config.stanza_dir:
            kwargs = _official_kwargs(Path(self.config.stanza_dir))
        else:
            kwargs = _bundled_kwargs(self.config.bundle)
        try:
            pipeline = stanza.Pipeline(
                lang="en",
                processors=PROCESSORS,
                download_method=None,
                use_gpu=False,
                logging_level="ERROR",
                **BATCH_SIZES,
                **kwargs,
            )
        except KeyError as exc:
            # Stanza reports a processor that failed to load as KeyError: 'en'.
            raise ModelLoadError(
                f"Stanza could not load the English models from {self.source} "
                f"(KeyError {exc}): a model file is missing or was trained for another "
                f"Stanza version. {FIX_HINT}"
            ) from exc
        except (FileNotFoundError, RuntimeError, OSError, ValueError) as exc:
            raise ModelLoadError(
                f"Stanza could not load the models from {self.source}: {exc}. {FIX_HINT}"
            ) from exc
        fast_decode.install(pipeline)
        return pipeline

    @property
    def is_loaded(self) -> bool:
        return "pipeline" in self.__dict__

    def load(self) -> None:
        """Load the models now rather than on the first parse."""
        with self._lock:
            _ = self.pipeline

    def __call__(self, text: str) -> ParsedDocument:
        """Tokenize, tag, lemmatize and parse ``text``."""
        if not self.is_loaded:
            self.load()
        if not text.strip():
            return ParsedDocument(text, ())
        return to_document(self.pipeline(text), text)

    def versions(self) -> dict[str, str]:
        import stanza
        import torch

        out = {"stanza": stanza.__version__, "torch": torch.__version__}
        if self.config.stanza_dir:
            out["models"] = f"official:{self.config.stanza_dir}"
        else:
            out["models"] = str(load_manifest(self.config.bundle).get("version", "unknown"))
        return out


_SHARED: dict[ParserConfig, StanzaParser] = {}
_SHARED_LOCK = threading.Lock()


def get_parser(
    stanza_dir: str | None = None, threads: int | None = None, models_dir: str | None = None
) -> StanzaParser:
    """Return the process-wide parser for this configuration (models load on first use)."""
    config = ParserConfig.from_env(stanza_dir, threads, models_dir)
    with _SHARED_LOCK:
        if config not in _SHARED:
            _SHARED[config] = StanzaParser(config)
        return _SHARED[config]
