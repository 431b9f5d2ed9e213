#!/usr/bin/env bash
# Start time and idle cost of the real app, in English, in Chinese with the system's CJK
# fonts, and in Chinese with the bundled CJK font only (fontconfig shown no font, or
# only the Latin fonts in the folder LATIN_FONTS, e.g. /usr/share/fonts/truetype/dejavu):
# under Xvfb (1366x768) with 2 demo boards.
#   - start: from launch until the window has shown both boards and saved a screenshot
#     of itself (DFU_STATION_SCREENSHOT), best of 3;
#   - idle: after start-up, CPU time and resident memory over 10 s.
#   bash tests/bench/gui_idle.sh           builds the release binary first
#   BIN=path/to/dfu-station bash tests/bench/gui_idle.sh    measures that binary instead
# Targets: CPU <= 1% of a core, RSS <= 150 MB; Chinese adds <= 10 MB RSS to English.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -n "${BIN:-}" ] || { cargo build --release --quiet --bin dfu-station; BIN=$PWD/target/release/dfu-station; }
export BIN SETTLE="${SETTLE:-3}" SECONDS_IDLE="${SECONDS_IDLE:-10}"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
printf '<?xml version="1.0"?>\n<fontconfig>%s</fontconfig>\n' "${LATIN_FONTS:+<dir>$LATIN_FONTS</dir>}" > "$home/no-fonts.conf"
for run in en zh-CN zh-CN/bundled; do
  lang=${run%/*}
  # The system's fonts as they are, or (bundled) a fontconfig that lists no CJK font.
  fonts=()
  [ "$run" != zh-CN/bundled ] || fonts=(FONTCONFIG_FILE="$home/no-fonts.conf")
  env "${fonts[@]}" HOME="$home" XDG_DATA_HOME="$home" WAYLAND_DISPLAY= DFU_STATION_LANG="$lang" LANG_NAME="$run" \
    xvfb-run -a -s "-screen 0 1366x768x24" bash -c '
      best=
      for run in 1 2 3; do
        start=$(date +%s%N)
        DFU_STATION_SCREENSHOT="$HOME/start-$run.png" "$BIN" --demo >/dev/null 2>&1
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        [ -z "$best" ] || [ "$ms" -lt "$best" ] && best=$ms
      done
      "$BIN" --demo & pid=$!
      sleep "$SETTLE"
      ticks() { awk "{print \$14 + \$15}" "/proc/$pid/stat"; }
      hz=$(getconf CLK_TCK)
      before=$(ticks)
      sleep "$SECONDS_IDLE"
      after=$(ticks)
      rss_kb=$(awk "/^VmRSS:/ {print \$2}" "/proc/$pid/status")
      kill "$pid"; wait "$pid" 2>/dev/null || true
      awk -v t=$((after - before)) -v hz="$hz" -v s="$SECONDS_IDLE" -v rss="$rss_kb" \
          -v lang="$LANG_NAME" -v best="$best" "BEGIN {
        printf \"%-13s start %d ms (to a screenshot with both boards, best of 3); idle %d s with 2 demo boards: CPU %.2f%% of a core, RSS %.1f MB\n\", lang, best, s, 100 * t / hz / s, rss / 1024
      }"
    '
done
