"""bilag: document intake for accounts payable (``README.md``, "Architecture", maps the
packages; ``docs/`` holds one document per area)."""

import logging

__version__ = "0.1.0"

# Library code logs; only the CLI configures handlers.
logging.getLogger(__name__).addHandler(logging.NullHandler())
