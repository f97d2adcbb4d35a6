"""Mekong: translate official speeches between English, Khmer, Lao, Thai and Vietnamese.

Importing this package stays cheap: torch, transformers and ctranslate2 are imported only
by the engine that needs them.
"""

__version__ = "0.1.0"
