"""The one place that reads the environment.

Every setting that differs between a laptop, CI and production is read here, with a
safe local default; production settings refuse to start without a real secret.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)
