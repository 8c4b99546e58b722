"""Files shipped inside the wheel: the catalog (exercises/) and the datasets (datasets/)."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def packaged_folder(package: str, checkout_folder: str) -> Path:
    """Where the files shipped as ``package`` are (``checkout_folder`` in the repository)."""
    try:
        return Path(str(files(package)))
    except ModuleNotFoundError:  # a source checkout run without installing: the folder is right there
        return Path(__file__).resolve().parents[2] / checkout_folder
