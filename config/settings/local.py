"""Laptop defaults for `make run`: debug on, SQLite and the filesystem broker unless overridden."""

from config.env import env

from .base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
