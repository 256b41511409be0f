"""Tests run in importlib mode, so a test folder's helper modules (``tests/fakes.py``) cannot
be imported by name; conftest files load them with this."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load_beside(anchor: str, filename: str, name: str) -> ModuleType:
    """The module ``filename`` in the folder of the file ``anchor`` (pass ``__file__``), loaded
    once per process under ``name``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(anchor).parent / filename)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
