"""The generated passes read the publishers' valid examples as libxml2's XPath does.

:meth:`Walker.collect` of every pass the reader runs (the document, then each
line, payment means, VAT breakdown...) is compared, field by field, with the
same path evaluated by libxml2 (:mod:`tests.pass_oracle`). Our own samples and
damaged copies of them are checked in ``tests/unit/test_ehf_paths.py``; these
are documents we did not write. Skipped when ../shared/eval-data is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import eval_data_or_skip
from tests.integration.test_ehf_official_examples import CEN_EXAMPLES, PEPPOL_VALID, examples
from tests.pass_oracle import check_passes

pytestmark = pytest.mark.evaldata


@pytest.mark.parametrize("relative", examples(PEPPOL_VALID + CEN_EXAMPLES))
def test_every_pass_collects_what_xpath_selects(relative: str):
    root = etree.parse(str(eval_data_or_skip(*Path(relative).parts))).getroot()
    assert check_passes(root) > 100
