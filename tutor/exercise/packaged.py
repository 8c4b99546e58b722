"""Files shipped inside the wheel: the catalog (exercises/) and the datasets (datasets/)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path


@cache  # asked for every exercise the catalog lists; the answer cannot change while the program runs
def packaged_folder(package: str, checkout_folder: str) -> Path:
    """Where the files shipped as ``package`` are (``checkout_folder`` in the repository), resolved."""
    try:
        return Path(str(files(package))).resolve()
    except ModuleNotFoundError:  # a source checkout run without installing: the folder is right there
        return Path(__file__).resolve().parents[2] / checkout_folder
