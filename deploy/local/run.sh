#!/usr/bin/env bash
# The local run: migrate, add demo data (once), then start every process with honcho.
set -euo pipefail
cd "$(dirname "$0")/../.."
set -a; source deploy/local/local.env; set +a
export PATH="$PWD/.venv/bin:$PATH"
mkdir -p var
bash deploy/local/packages.sh
python -m shared.web.fonts  # the fonts packages.sh may just have installed

for service in registry messaging consent; do
  python -m "services.$service" migrate
done
python -m services.registry demo-data --welcome var/welcome.txt
python -m services.consent demo-form --state var/demo.json
python -m services.messaging demo-recordings  # spoken by espeak-ng, once (decision 27)
# The demo's WhatsApp patient: an approved template and the opt-in; the fake Twilio server
# reads the template's text from var/whatsapp-templates.json (issue 17).
python -m services.messaging demo-whatsapp --state var/demo.json --templates var/whatsapp-templates.json
cat var/welcome.txt
exec honcho -f deploy/local/Procfile -d . start
