#!/usr/bin/env bash
# Under Xvfb (run me with xvfb-run): starts openbox (which draws window icons in title
# bars) and the app, waits until the window carries its icon, prints the icon's size as
# X sees it (`_NET_WM_ICON=256,256`) and saves a screenshot of the screen.
#   xvfb-run -a -s "-screen 0 1366x768x24" tests/scripts/window-icon.sh APP SHOT.png
set -euo pipefail
app=$1 shot=$2
title="DFU Station $("$app" --version | cut -d' ' -f2)"
openbox >/dev/null 2>&1 &
wm=$!
"$app" --demo >/dev/null 2>&1 &
pid=$!
trap 'kill $pid $wm 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do
  icon=$(xprop -notype -name "$title" -f _NET_WM_ICON 32c '=$0,$1' _NET_WM_ICON 2>/dev/null || true)
  [[ $icon == _NET_WM_ICON=* ]] && break
  sleep 0.2
done
echo "$icon"
# Software rendering can take seconds for the first frame: wait until the screen is not
# black any more (title bar and window drawn).
for _ in $(seq 1 60); do
  import -window root "$shot"
  [ "$(identify -format '%[fx:mean>0.05]' "$shot")" = 1 ] && break
  sleep 0.5
done
