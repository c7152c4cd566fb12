"""The Prefect shell: flows that call :mod:`bilag.services` and nothing else of their own
(``docs/operations.md``, ``docs/intake.md``). ``bilag`` never imports Prefect.
"""
