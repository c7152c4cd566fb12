"""The edges to the outside world: document sources (IMAP, drop folder, S3) and the
archive (``docs/intake.md``), accounting systems vouchers are delivered to
(:mod:`connectors.sinks`, ``docs/connectors.md``) and bank files
(:mod:`connectors.bank`).
"""

import logging

# Library code logs; only the command line and the flows configure handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())
