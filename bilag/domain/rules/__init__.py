"""Business rules of EN 16931, PEPPOL BIS Billing 3.0 and Norway, one module per family.

Entry point: :func:`bilag.domain.validation.validate`. Rule ids, severities and
messages live in :mod:`bilag.domain.rules.catalog` (``docs/validation.md``).
"""
