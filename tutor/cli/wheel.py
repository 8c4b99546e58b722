"""A wheel of the running backprop-tutor, for the Gradescope autograder to install (`tutor gradescope`).

The autograder image must install the same tutor that built the archive, and backprop-tutor is not on PyPI:
the archive carries this wheel unless the teacher gives one (--package) or a requirement (--requirement).
It is built from the installed package itself (editable or not): every module and stylesheet of ``tutor``,
the built-in exercises and the datasets, the runtime requirements and the ``tutor`` command, in the wheel
format pip installs (PEP 427: a zip with a .dist-info folder whose RECORD lists each file's SHA-256).
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from importlib.metadata import distribution
from pathlib import Path

import tutor

from ..exercise.packaged import packaged_folder

DISTRIBUTION = "backprop-tutor"
# (package, folder in a checkout, the files it ships): as pyproject.toml's package-data
SHIPPED_FOLDERS = (("tutor.catalog", "exercises", ("*.toml", "index.json")), ("tutor.datasets", "datasets", ("*.csv",)))
MODULE_SUFFIXES = (".py", ".tcss")


def wheel_name() -> str:
    return f"{DISTRIBUTION.replace('-', '_')}-{tutor.__version__}-py3-none-any.whl"


def own_wheel() -> bytes:
    """The wheel's bytes."""
    files: dict[str, bytes] = {}
    root = Path(tutor.__file__).resolve().parent
    shipped = {package.split(".")[-1] for package, _, _ in SHIPPED_FOLDERS}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.suffix in MODULE_SUFFIXES and "__pycache__" not in relative.parts and relative.parts[0] not in shipped:
            files[f"tutor/{relative.as_posix()}"] = path.read_bytes()
    for package, checkout_folder, patterns in SHIPPED_FOLDERS:
        folder = packaged_folder(package, checkout_folder)
        target = package.replace(".", "/")
        for path in sorted({found for pattern in ("__init__.py", *patterns) for found in folder.glob(pattern)}):
            files[f"{target}/{path.name}"] = path.read_bytes()
    info = f"{DISTRIBUTION.replace('-', '_')}-{tutor.__version__}.dist-info"
    files[f"{info}/METADATA"] = _metadata().encode()
    files[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: backprop-tutor\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{info}/entry_points.txt"] = _entry_points().encode()
    files[f"{info}/top_level.txt"] = b"tutor\n"
    record = [f"{name},sha256={_digest(data)},{len(data)}" for name, data in files.items()]
    files[f"{info}/RECORD"] = ("\n".join([*record, f"{info}/RECORD,,"]) + "\n").encode()
    built = io.BytesIO()
    with zipfile.ZipFile(built, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))  # the same bytes each time
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, data)
    return built.getvalue()


def _metadata() -> str:
    installed = distribution(DISTRIBUTION)
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DISTRIBUTION}",
        f"Version: {tutor.__version__}",
        f"Summary: {installed.metadata['Summary']}",
        f"Requires-Python: {installed.metadata['Requires-Python']}",
    ]
    # what it needs to run: the test extra's requirements stay out
    lines += [
        f"Requires-Dist: {requirement}" for requirement in installed.requires or [] if "extra ==" not in requirement
    ]
    return "\n".join(lines) + "\n"


def _entry_points() -> str:
    scripts = distribution(DISTRIBUTION).entry_points.select(group="console_scripts")
    return "[console_scripts]\n" + "".join(f"{point.name} = {point.value}\n" for point in scripts)


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
