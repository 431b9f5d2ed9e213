#!/usr/bin/env bash
# Renders assets/dfu-station.svg into the PNGs, .ico and .icns the window and the packages
# use. Needs rsvg-convert (Debian librsvg2-bin) and Python's Pillow. The results are
# committed, so building never needs these tools.
set -euo pipefail
cd "$(dirname "$0")/.."
for size in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$size" -h "$size" assets/dfu-station.svg -o "assets/icons/dfu-station-$size.png"
done
python3 - <<'PY'
from PIL import Image
big = Image.open("assets/icons/dfu-station-512.png")
big.save("packaging/windows/dfu-station.ico", sizes=[(s, s) for s in (16, 24, 32, 48, 64, 128, 256)])
big.save("packaging/macos/dfu-station.icns")
PY
