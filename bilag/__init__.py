"""bilag: document intake for accounts payable."""

import logging

__version__ = "0.1.0"

# Library code logs; only the CLI configures handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())
