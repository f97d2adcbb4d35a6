"""The translate pipeline's public names, kept where callers import them from.

The code is in `toolkit.pipeline` (`translate.py` runs the stages of `stages.py`); its
`__all__` is the one list of these names, so the two modules cannot drift apart.
"""

from __future__ import annotations

from toolkit.pipeline import *  # noqa: F403  (the names of toolkit.pipeline.__all__)
from toolkit.pipeline import __all__ as __all__
