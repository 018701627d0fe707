"""``tracker serve``: the read-only web view (Starlette, Jinja2, inline SVG charts).

With ``tracker/cli*.py`` the only code under ``tracker/`` that reads the database (through
``db`` and ``jobs``). Build the ASGI app with :func:`tracker.web.app.create_app`.
"""
