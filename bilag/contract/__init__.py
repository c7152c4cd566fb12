"""The only place that turns what bilag read and did into the contract's JSON.

See ``../shared/CONTRACT.md``: amounts are decimal strings with a dot and no
thousands separator, dates ``YYYY-MM-DD``, a field not found is ``null``.

* :mod:`~bilag.contract.values`: single values (amounts, rates, dates);
* :mod:`~bilag.contract.invoices`: ``bilag extract`` objects;
* :mod:`~bilag.contract.vouchers`: the webhook's voucher body (imported from there: the
  delivery model it reads is no part of what ``bilag extract`` loads);
* :mod:`~bilag.contract.results`: ``process``, ``fetch``, ``suggest`` and ``queue``
  objects (imported from there: it names the use cases' types, which sit above);
* :mod:`~bilag.contract.reports`: the other commands' ``--json`` reports;
* :mod:`~bilag.contract.serialize`: the web API's shapes (described by its OpenAPI
  schema), which ``bilag show --json`` and ``bilag history --json`` print too;
* :mod:`~bilag.contract.text`: the JSON text itself, as ``json.dumps(indent=2)``.

Docs: ``docs/ehf.md`` ("The whole command") for the cost of the text.
"""

from bilag.contract.invoices import extract_failure_json, invoice_json, invoice_text
from bilag.contract.text import json_text
from bilag.contract.values import date_str, decimal_str, money_str

__all__ = [
    "date_str",
    "decimal_str",
    "extract_failure_json",
    "invoice_json",
    "invoice_text",
    "json_text",
    "money_str",
]
