#!/usr/bin/env bash
# The README's first command on a fresh machine: builds the release binary in a minimal
# Debian 12 root that has gcc and nothing else (no pkg-config, no -dev package but the C
# library's), with this machine's Rust toolchain (read-only) and a copy of its cargo
# registry, offline. Fails when a crate needs pkg-config or system headers at build time.
# Then runs the binary there and opens its window under Xvfb (runtime libraries only,
# installed after the build). Run by .ci/run; needs root.
#
#   FRESH_ROOT   where the Debian root is kept between runs (made with debootstrap when
#                missing; checked to hold no build-time system packages on every run)
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
root=${FRESH_ROOT:-/var/cache/dfu-station/bookworm-minbase}

command -v debootstrap >/dev/null || {
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
}
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

if [ ! -f "$root/.dfu-station-root" ]; then
  echo "Making a minimal Debian 12 root with gcc in $root (from $mirror)"
  rm -rf "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase --include=gcc,libc6-dev bookworm "$root" "$mirror" >/dev/null
  touch "$root/.dfu-station-root"
fi

# What a fresh machine with Rust and gcc has: the C compiler and the C library's headers.
# Anything else that ships headers or pkg-config files would hide a missing build need.
allowed_dev='^(libc6-dev|libgcc-12-dev|linux-libc-dev|libcrypt-dev|libnsl-dev|libtirpc-dev)$'
extra=$(chroot "$root" dpkg-query -W -f='${Package}\n' | grep -E -- '-dev$|^pkg-config$|^pkgconf' |
  grep -Ev "$allowed_dev" || true)
if [ -n "$extra" ]; then
  echo "The fresh root is not fresh: it holds $(echo $extra)" >&2
  exit 1
fi
echo "Fresh root: gcc $(chroot "$root" gcc -dumpversion), no pkg-config, no -dev packages but the C library's."

toolchain=$(rustc --print sysroot)
mounts=()
cleanup() {
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT
bind() { # bind FROM TO [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounts+=("$2")
  [ "${3:-}" != ro ] || mount -o remount,bind,ro "$2"
}
bind "$toolchain" "$root/opt/rust" ro
bind /proc "$root/proc"
bind /dev "$root/dev"

# The sources as committed and the crates they lock, fetched here and copied in.
cargo fetch --locked --quiet
rm -rf "$root/build/src" "$root/root/.cargo/registry"
mkdir -p "$root/build/src" "$root/root/.cargo"
git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$root/build/src"
# Hard links where the root is on the same file system, a copy elsewhere.
registry=${CARGO_HOME:-$HOME/.cargo}/registry
cp -al "$registry" "$root/root/.cargo/registry" 2>/dev/null ||
  { rm -rf "$root/root/.cargo/registry"; cp -a "$registry" "$root/root/.cargo/registry"; }

in_root() {
  chroot "$root" /usr/bin/env -i HOME=/root CARGO_HOME=/root/.cargo \
    CARGO_TARGET_DIR=/build/target PATH=/opt/rust/bin:/usr/bin:/bin TERM=dumb "$@"
}
echo "Building the release binary there: cargo build --release --offline --locked"
in_root sh -c 'cd /build/src && cargo build --release --offline --locked --bin dfu-station'
in_root /build/target/release/dfu-station --version

# Opening the window needs only runtime libraries (loaded at run time): a fresh desktop
# has them; here they come after the build, with Xvfb to show the window on.
runtime=(xvfb xauth libegl1 libegl-mesa0 libgl1-mesa-dri libxkbcommon-x11-0 libxcursor1 libxi6)
if ! in_root dpkg-query -W "${runtime[@]}" >/dev/null 2>&1; then
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
  in_root apt-get update -qq
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${runtime[@]}" >/dev/null
fi
rm -f "$root/tmp/window.png"
in_root env DFU_STATION_SCREENSHOT=/tmp/window.png timeout 60 \
  xvfb-run -a -s "-screen 0 1366x768x24" /build/target/release/dfu-station --demo
file_size=$(stat -c %s "$root/tmp/window.png")
echo "The window opened in the fresh root and saved a screenshot of itself ($file_size bytes)."
