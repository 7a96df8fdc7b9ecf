"""Cirkelbord: a real-time board for the progress-focused circle technique."""

__version__ = "0.1.0"
