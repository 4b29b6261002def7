"""portlint: find port collisions and port-policy violations across deployment files."""

__version__ = "0.1.0"
