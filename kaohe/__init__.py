"""kaohe (考核): an open platform for high-quality-development assessment."""

__version__ = "0.1.0"
