#!/usr/bin/env bash
# The test command: servers up, then pytest (all of tests/ unless told otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tests/servers.sh
.venv/bin/python -m shared.web.fonts  # the fonts servers.sh may just have installed
mkdir -p test-artifacts
exec .venv/bin/python -m pytest "${@:-tests}"
