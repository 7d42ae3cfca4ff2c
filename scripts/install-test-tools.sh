#!/usr/bin/env bash
# Installs the system tools the tests compare against or drive, from Debian's packages:
#   dtc (device-tree-compiler) and cpp for the differential tests against the kernel's own build;
#   neovim (0.7.2 on Debian) for the headless editor test of the language server (test/nvim).
# Idempotent: installs only what is missing. Needs root (CI runs as root) or sudo.
set -euo pipefail
need=()
command -v dtc >/dev/null 2>&1 || need+=(device-tree-compiler)
command -v cpp >/dev/null 2>&1 || need+=(cpp)
command -v nvim >/dev/null 2>&1 || need+=(neovim)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "install-test-tools: missing ${need[*]} and not root; install them with apt-get" >&2; exit 1
	fi
fi
echo "install-test-tools: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
