"""Account and VAT coding learnt from the company's bookkeeping history: supplier rule
with recency, a text model, calibrated confidence, one versioned artefact per
workspace (``docs/coding.md``). History formats: :mod:`classifiers.history`.
"""

import logging

# Library code logs; only the command line and the flows configure handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())
