#!/usr/bin/env bash
# Builds "DFU Station.app" on macOS (no driver needed there: macOS lets apps open DFU
# devices directly). Usage: packaging/macos/make-app.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release
app="target/release/DFU Station.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
cp target/release/dfu-station "$app/Contents/MacOS/"
cp packaging/macos/Info.plist "$app/Contents/"
cp packaging/macos/dfu-station.icns "$app/Contents/Resources/"
echo "Built $app"
