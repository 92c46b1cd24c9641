"""mt-review: find, fix and report the bad segments of a machine translation.

The public API a notebook user calls. Imports are lazy so that `review --help` stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

_API = {
    "load_pair": "review.inputs",
    "load_file": "review.inputs",
    "load_inputs": "review.inputs",
    "Corpus": "review.corpus",
}


def __getattr__(name):
    if name in _API:
        return getattr(importlib.import_module(_API[name]), name)
    raise AttributeError(name)
