"""A development corpus of invoices bilag was not written against (issue 12).

See ``docs/corpus.md``. Entry points: :func:`bench.corpus.corpus.build` (and
``python -m bench.corpus``), :func:`bench.corpus.history.history_rows`.
"""
