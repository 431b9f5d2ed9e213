#!/usr/bin/env bash
# Builds DFU Station as an AppImage with linuxdeploy (download linuxdeploy-x86_64.AppImage
# from its releases page first and put it on PATH, or set LINUXDEPLOY).
# An AppImage cannot install a udev rule: on first use the app's "Access denied" help
# installs packaging/linux/70-dfu-station.rules through pkexec.
set -euo pipefail
cd "$(dirname "$0")/../../.."
# linuxdeploy names the AppImage after VERSION.
export VERSION=$(bash packaging/version.sh)
LINUXDEPLOY=${LINUXDEPLOY:-linuxdeploy-x86_64.AppImage}
cargo build --release --locked --bin dfu-station
appdir=target/appimage/AppDir
rm -rf "$appdir"
install -Dm755 target/release/dfu-station "$appdir/usr/bin/dfu-station"
install -Dm644 packaging/linux/io.github.dfu_station.DfuStation.desktop "$appdir/usr/share/applications/io.github.dfu_station.DfuStation.desktop"
install -Dm644 packaging/linux/io.github.dfu_station.DfuStation.metainfo.xml \
  "$appdir/usr/share/metainfo/io.github.dfu_station.DfuStation.metainfo.xml"
for size in 16 24 32 48 64 128 256 512; do
  install -Dm644 "assets/icons/dfu-station-$size.png" \
    "$appdir/usr/share/icons/hicolor/${size}x${size}/apps/dfu-station.png"
done
# The bundled CJK font's licence travels with it (SIL OFL 1.1).
install -Dm644 assets/fonts/OFL.txt "$appdir/usr/share/doc/dfu-station/NotoSansSC-OFL.txt"
install -Dm644 packaging/linux/70-dfu-station.rules "$appdir/usr/share/dfu-station/70-dfu-station.rules"
"$LINUXDEPLOY" --appdir "$appdir" \
  --desktop-file "$appdir/usr/share/applications/io.github.dfu_station.DfuStation.desktop" \
  --icon-file assets/icons/dfu-station-256.png --output appimage
