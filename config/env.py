"""The one place that reads the environment.

Every setting that differs between a laptop, CI and production is read here, with a
safe local default; production settings refuse to start without a real secret.
"""

import contextlib
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def ensure_dir(path: Path) -> Path:
    """Create a working folder the defaults write into (the SQLite file, the broker's queues) if it is missing, so
    ``manage.py migrate`` on a fresh clone works; a read-only tree (production points these elsewhere) is left alone."""
    with contextlib.suppress(OSError):
        path.mkdir(parents=True, exist_ok=True)
    return path

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
