"""Data shipped with the tracker, installed as the package ``tracker.seeds``.

Read it through ``tracker.shipped`` (``importlib.resources``), never by a path relative to a
checkout: ``taxonomy.toml``, ``places.toml``, ``watchlist.toml`` and the ``demo/`` recordings.
"""
