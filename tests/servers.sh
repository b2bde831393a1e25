#!/usr/bin/env bash
# Start PostgreSQL and RabbitMQ where they are installed but stopped, and install Chromium
# (Debian's package) where it is missing and we may. The tests decide what to do when a
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

if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing Chromium (Debian package) for the browser tests"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
# The consent page serves Noto fonts for each script from Debian's package (decision 0025).
if [ ! -d /usr/share/fonts/truetype/noto ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing fonts-noto-core (Debian package) for the consent page's scripts"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-core >/dev/null
fi
exit 0
