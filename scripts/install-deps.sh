#!/bin/bash
# Installs the Debian packages vigie builds, tests and demos with. Idempotent; run as root (or with sudo).
# Arguments: more packages a make target needs (`make fleet` and `make interop`: rabbitmq-server).
set -euo pipefail
packages=(pkg-config libmodbus-dev libmosquitto-dev libsqlite3-dev libcurl4 libyaml-dev mosquitto mosquitto-clients socat
          python3 python3-venv curl sqlite3 openssl mbpoll "$@")
missing=()
for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
