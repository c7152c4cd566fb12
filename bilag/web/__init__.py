"""The web app for finance staff and its JSON API under ``/api``: FastAPI, Jinja2 and
plain JavaScript, every route guarded by the action it performs (``docs/web.md``).
"""
