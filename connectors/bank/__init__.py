"""Bank files: the ISO 20022 payment file bilag writes and the notifications it reads
(``docs/connectors.md``)."""
