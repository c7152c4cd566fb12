"""Composition root: builds the dependencies of the services once, from Settings."""

from __future__ import annotations
