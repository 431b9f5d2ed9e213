#!/usr/bin/env bash
# Prints the app's version as Cargo.toml gives it: the one place it is written.
set -euo pipefail
cd "$(dirname "$0")/.."
sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1
