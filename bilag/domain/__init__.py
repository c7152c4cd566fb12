"""The pure core: invoices, parties, lines, findings, coding, approval decisions,
vouchers and postings as frozen dataclasses with ``Decimal`` money, confidence and
provenance beside every value. Standard library only, no clock, no I/O
(import-linter keeps it so). Validation rules: :mod:`bilag.domain.rules`
(``docs/validation.md``); approval: ``docs/policy.example.toml``; why the model's
dataclasses have no ``slots=True``: ``docs/ehf.md``.
"""
