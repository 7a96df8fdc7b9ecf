"""Helpers shared by the tests: real servers (``services``) and the fixtures built on them."""
