"""The validation rules that need the XML tree (UBL-SR, UBL-DT, UBL-CR, R008, ...):
:func:`check_syntax`. The model-level rules are in :mod:`bilag.domain.validation`
(see ``docs/validation.md``)."""

from parsers.ehf.rules.base import CATALOG, MAX_PER_RULE
from parsers.ehf.rules.check import check_syntax

IMPLEMENTED_RULES: frozenset[str] = frozenset(CATALOG)
"""Every rule id bilag implements: the model's and the XML's."""

__all__ = ["CATALOG", "IMPLEMENTED_RULES", "MAX_PER_RULE", "check_syntax"]
