#!/usr/bin/env bash
# Makes assets/fonts/NotoSansSC-DFUStation.otf: the CJK fallback font bundled in the app,
# so the window draws Chinese on a system without CJK fonts. It is Noto Sans CJK SC
# (SIL OFL 1.1, Debian's fonts-noto-cjk), cut down to the characters it must draw:
#   - every character of the zh-CN catalogue (assets/i18n/zh-CN/*.ftl),
#   - the 6,763 hanzi of GB 2312 (the everyday Simplified Chinese set: file and folder
#     names, board names),
#   - CJK punctuation (U+3000-303F) and full-width forms (U+FF00-FFEF).
# A system CJK font, when there is one, is used first (src/ui/fonts.rs); this is the floor.
# Run again after the catalogue gains characters; tests/fonts.rs fails until then.
# Needs: apt-get (Debian), python3 with fontTools (`pip install fonttools`).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-cjk >/dev/null
dpkg-deb -x fonts-noto-cjk_*.deb deb
python3 - "$root" <<'PY'
import pathlib, sys
root = pathlib.Path(sys.argv[1])
chars = set()
for ftl in (root / "assets/i18n/zh-CN").glob("*.ftl"):
    chars |= {c for c in ftl.read_text(encoding="utf-8") if ord(c) > 0x7f}
for high in range(0xB0, 0xF8):  # GB 2312 rows 16-87: the hanzi
    for low in range(0xA1, 0xFF):
        try:
            chars.add(bytes([high, low]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
chars |= {chr(c) for c in range(0x3000, 0x3040)} | {chr(c) for c in range(0xFF00, 0xFFF0)}
pathlib.Path("chars.txt").write_text("".join(sorted(chars)), encoding="utf-8")
print(f"{len(chars)} characters")
PY
# Font number 2 of the collection is Noto Sans CJK SC.
pyftsubset deb/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc --font-number=2 \
    --text-file=chars.txt --no-hinting --desubroutinize --layout-features='' \
    --name-IDs='*' --output-file="$root/assets/fonts/NotoSansSC-DFUStation.otf"
ls -l "$root/assets/fonts/NotoSansSC-DFUStation.otf"
