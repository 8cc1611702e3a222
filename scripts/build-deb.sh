#!/bin/bash
# Builds a Debian package of vigie for the host architecture with dpkg-deb only:
# the release binary (static Swift standard library), device profiles, the example config as
# a conffile, the systemd unit, and a postinst that creates the user and enables nothing.
# Usage: scripts/build-deb.sh [OUTPUT_DIR]   (default: dist/)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-dist}
version=$(sed -n 's/.*static let current = "\(.*\)".*/\1/p' Sources/VigieCore/Model/VigieVersion.swift)
arch=$(dpkg --print-architecture)
echo "building vigie $version for $arch (release, static Swift standard library)"
swift build -c release --product vigie --static-swift-stdlib -Xswiftc -warnings-as-errors
bin=$(swift build -c release --show-bin-path)/vigie

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
install -D -m 0755 "$bin" "$root/usr/bin/vigie"
strip --strip-unneeded "$root/usr/bin/vigie" 2>/dev/null || true
install -d "$root/usr/share/vigie/devices"
install -m 0644 devices/*.yaml "$root/usr/share/vigie/devices/"
install -D -m 0644 config/example.yaml "$root/etc/vigie/vigie.yaml"
install -D -m 0644 systemd/vigie.service "$root/lib/systemd/system/vigie.service"
# The unit names the hand-installed path; the package installs into /usr/bin.
sed -i 's|/usr/local/bin/vigie|/usr/bin/vigie|g' "$root/lib/systemd/system/vigie.service"
install -d "$root/usr/share/doc/vigie"
install -m 0644 README.md docs/*.md "$root/usr/share/doc/vigie/"

install -d "$root/DEBIAN"
echo /etc/vigie/vigie.yaml >"$root/DEBIAN/conffiles"
size=$(du -sk "$root" --exclude=DEBIAN | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: vigie
Version: $version
Architecture: $arch
Maintainer: vigie developers <vigie@localhost>
Installed-Size: $size
Depends: adduser, libc6, libmodbus5, libmosquitto1, libsqlite3-0, libcurl4, libyaml-0-2
Recommends: mosquitto-clients
Section: net
Priority: optional
Homepage: https://github.com/vigie-gateway/vigie
Description: sensor gateway for smart territories
 vigie reads meters and sensors over Modbus (TCP, RTU) and MQTT, keeps every
 reading in SQLite, detects anomalies on the device and forwards aggregates,
 anomaly events and its own health to a data hub over MQTT or HTTP, without
 losing data across outages, crashes and power cuts.
CONTROL
cat >"$root/DEBIAN/postinst" <<'POSTINST'
#!/bin/sh
# Creates the vigie system user (member of dialout for serial ports). Enables nothing:
# edit /etc/vigie/vigie.yaml, check it with `vigie check-config`, then `systemctl enable --now vigie`.
set -e
if [ "$1" = configure ]; then
    if ! getent passwd vigie >/dev/null; then
        adduser --system --group --home /var/lib/vigie --no-create-home vigie >/dev/null
    fi
    adduser vigie dialout >/dev/null 2>&1 || true
    if [ -d /run/systemd/system ]; then systemctl daemon-reload >/dev/null 2>&1 || true; fi
fi
exit 0
POSTINST
chmod 0755 "$root/DEBIAN/postinst"
mkdir -p "$out"
deb="$out/vigie_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$root" "$deb" >/dev/null
echo "$deb"
