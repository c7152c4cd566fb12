"""Use cases: plain Python over the domain, parsers, classifiers, connectors and the ledger.

The CLI, the web app and the Prefect flows all call these; none of them holds
business logic of its own. The pipeline: ``docs/intake.md``; review and approval:
``docs/web.md``; deliveries and payments: ``docs/connectors.md``.
"""
