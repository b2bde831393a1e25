#!/usr/bin/env bash
# Start PostgreSQL and RabbitMQ where they are installed but stopped, and install Chromium
# and other Debian packages where they are missing and we may. The tests decide what to do when a
# server is still absent: skip with a reason, or fail under CI.
set -uo pipefail

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if ! port_open 5432 && command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  for _ in $(seq 30); do port_open 5432 && break; sleep 1; done
fi

if ! port_open 5672 && command -v rabbitmq-server >/dev/null 2>&1; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached || true
  command -v rabbitmqctl >/dev/null 2>&1 && timeout 120 rabbitmqctl await_startup >/dev/null 2>&1
  for _ in $(seq 60); do port_open 5672 && break; sleep 1; done
fi

# Chromium for the browser tests, the tools that read letters back, and what the services
# need at run time.
bash deploy/local/packages.sh --with-test-tools
exit 0
