#!/usr/bin/env bash
# Runs DFU Station's whole test suite on a Debian 12 machine with Rust, first installing
# the Debian packages it needs when they are missing.
#   bash tests/run.sh          install what is missing, then run every test
#   bash tests/run.sh --deps   only install what is missing
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the build and the tests need: libudev for libusb; Mesa renders the GUI
# snapshots (no display needed); Xvfb and the X libraries run the real window for smoke
# and bench runs; desktop-file-utils and appstream validate the Linux packaging;
# umockdev, its headers and dfu-util run the end-to-end tests on emulated boards
# (without them those tests fail, never skip); pkg-config and libudev-dev let the vendored
# libusb use udev, as the .deb built here does (without them it uses netlink: see
# packaging/linux/check-fresh-build.sh for the build with neither); openbox, x11-utils and imagemagick show and check the window icon; D-Bus, AT-SPI,
# python3-gi and python3-xlib let the GUI end-to-end suite (tests/e2e_gui) read, press
# and drag onto the real window; man-db renders the manual page; python3-pip installs
# ESP-IDF's NVS Partition Generator (below); postgresql is the line's store for
# tests/line_*.rs, which start a throw-away cluster of their own (Debian starts its own
# cluster on install, unused here; without the package those tests fail, never skip).
PACKAGES=(gcc pkg-config libudev-dev libegl1 libegl-mesa0 libgl1-mesa-dri xvfb xauth libxcursor1
  libxi6 libxkbcommon-x11-0 desktop-file-utils appstream umockdev libumockdev-dev dfu-util
  openbox x11-utils imagemagick dbus at-spi2-core python3-gi gir1.2-atspi-2.0
  python3-xlib man-db python3-pip postgresql)

# shellcheck source=packaging/install-missing.sh
source packaging/install-missing.sh
install_missing "${PACKAGES[@]}"

# ESP-IDF's NVS Partition Generator, which tests/nvs_generator.rs compares DFU Station's
# NVS images with (from PyPI, pinned; for the python3 the tests run). Debian 12's python3
# takes a package from outside apt only with --break-system-packages.
NVS_GEN=esp-idf-nvs-partition-gen==0.3.0
if ! python3 -c 'import esp_idf_nvs_partition_gen' 2>/dev/null; then
  echo "Installing $NVS_GEN for $(command -v python3)"
  pip_user=()
  [ "$(id -u)" -eq 0 ] || pip_user=(--user)
  python3 -m pip install --quiet --break-system-packages "${pip_user[@]}" "$NVS_GEN"
fi
[ "${1:-}" = "--deps" ] && exit 0

# No test writes to the user's home folder: the suites run with HOME and the XDG folders
# in a folder nothing can write to (a read-only mount as root, whom permissions do not
# stop; a folder without write permission otherwise), so a test that would change
# someone's settings or history fails instead. Cargo, rustup and Python's user packages
# are found where they were.
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
PYTHONUSERBASE=$(python3 -m site --user-base)
export PYTHONUSERBASE
sealed=$(mktemp -d)
if [ "$(id -u)" -eq 0 ]; then
  mount -t tmpfs -o ro,size=64k tmpfs "$sealed"
  trap 'umount "$sealed"; rmdir "$sealed"' EXIT
else
  chmod 555 "$sealed"
  trap 'rmdir "$sealed"' EXIT
fi
sealed_home() {
  env HOME="$sealed" XDG_CONFIG_HOME="$sealed/config" XDG_DATA_HOME="$sealed/data" \
    XDG_STATE_HOME="$sealed/state" XDG_CACHE_HOME="$sealed/cache" "$@"
}

# The umockdev feature builds the harness and its end-to-end tests (tests/e2e_*.rs).
sealed_home cargo test --workspace --features umockdev --no-fail-fast

# The lean build: the command line and the library without the window or sound.
sealed_home cargo test --workspace --no-default-features --no-fail-fast

# The release app driven from outside through AT-SPI and XDND on emulated boards (Debian's
# python3, which has the gi bindings).
cargo build --release --features umockdev --bins
/usr/bin/python3 tests/e2e_gui/run.py
