#!/usr/bin/env bash
# The local run: migrate, add demo data (once), then start every process with honcho.
set -euo pipefail
cd "$(dirname "$0")/../.."
set -a; source deploy/local/local.env; set +a
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var

for service in registry messaging consent; do
  python -m "services.$service" migrate
done
python -m services.registry demo-data --welcome var/welcome.txt
python -m services.consent demo-form --state var/demo.json
cat var/welcome.txt
exec honcho -f deploy/local/Procfile -d . start
