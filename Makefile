# The two commands of the README's quick start. Each installs what is missing first.
.PHONY: demo test setup lint bench lock

setup:
	@scripts/setup.sh

demo: setup
	@scripts/demo.sh

test: setup
	@scripts/test.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check bilag parsers classifiers connectors flows tests bench
	.venv/bin/mypy
	.venv/bin/lint-imports

bench: setup
	.venv/bin/python -m bench

lock:
	uv lock
