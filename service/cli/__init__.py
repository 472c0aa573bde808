"""``spoorlog``, the command line: serve, tenants and keys, projections, proof, demo."""

from service.cli.commands import main

__all__ = ["main"]
