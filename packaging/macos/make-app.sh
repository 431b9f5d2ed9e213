#!/usr/bin/env bash
# Builds "DFU Station.app" on macOS (no driver needed there: macOS lets apps open DFU
# devices directly), and with --dmg the disk image around it. The version comes from
# Cargo.toml. Usage: packaging/macos/make-app.sh [--dmg]
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(bash packaging/version.sh)
cargo build --release --locked --bin dfu-station
app="target/release/DFU Station.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp target/release/dfu-station "$app/Contents/MacOS/"
sed "s/@VERSION@/$version/g" packaging/macos/Info.plist >"$app/Contents/Info.plist"
cp packaging/macos/dfu-station.icns "$app/Contents/Resources/"
# The bundled CJK font's licence travels with it (SIL OFL 1.1).
cp assets/fonts/OFL.txt "$app/Contents/Resources/NotoSansSC-OFL.txt"
echo "Built $app ($version)"
if [ "${1:-}" = --dmg ]; then
  dmg="target/release/dfu-station-$version-macos.dmg"
  rm -f "$dmg"
  hdiutil create -volname "DFU Station" -srcfolder "$app" -ov -format UDZO "$dmg"
  echo "Built $dmg"
fi
