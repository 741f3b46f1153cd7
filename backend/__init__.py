"""Cadence: coaching and observation for schools organised in teams."""

from backend.app import create_app

__all__ = ["create_app"]
