#!/usr/bin/env bash
# Builds the .deb, checks what it holds, installs it and runs the installed binary;
# validates the desktop entry and the AppStream metainfo. Run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."

desktop-file-validate packaging/linux/io.github.dfu_station.DfuStation.desktop
appstreamcli validate --no-net packaging/linux/io.github.dfu_station.DfuStation.metainfo.xml

command -v cargo-deb >/dev/null || cargo install cargo-deb --locked
bash packaging/linux/man-and-completions.sh
deb=$(cargo deb --no-build --quiet | tail -n 1)
echo "Built $deb"
contents=$(dpkg-deb -c "$deb")
for path in \
  ./usr/bin/dfu-station \
  ./usr/share/man/man1/dfu-station.1 \
  ./usr/share/bash-completion/completions/dfu-station \
  ./usr/lib/udev/rules.d/70-dfu-station.rules \
  ./usr/share/applications/io.github.dfu_station.DfuStation.desktop \
  ./usr/share/metainfo/io.github.dfu_station.DfuStation.metainfo.xml \
  ./usr/share/icons/hicolor/scalable/apps/dfu-station.svg \
  ./usr/share/icons/hicolor/16x16/apps/dfu-station.png \
  ./usr/share/icons/hicolor/48x48/apps/dfu-station.png \
  ./usr/share/icons/hicolor/256x256/apps/dfu-station.png \
  ./usr/share/icons/hicolor/512x512/apps/dfu-station.png; do
  grep -q " $path\$" <<<"$contents" || { echo "missing from $deb: $path"; exit 1; }
done
echo "The package holds the binary, the udev rule, the desktop entry, the metainfo and the icons."
recommends=$(dpkg-deb -f "$deb" Recommends)
grep -q "xdg-desktop-portal-gtk" <<<"$recommends" || { echo "$deb does not recommend the file-dialog portal: '$recommends'"; exit 1; }
echo "It recommends a file-dialog service: $recommends"

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
"${sudo_cmd[@]}" dpkg -i "$deb"
(cd / && command -v dfu-station && dfu-station --version)
MANPAGER=cat man dfu-station | head -n 5
