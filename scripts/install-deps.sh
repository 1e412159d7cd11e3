#!/usr/bin/env bash
# install-deps.sh: installs the Debian/Ubuntu packages microheal needs to build, test and plot.
#
# Usage: bash scripts/install-deps.sh      (called by `make deps` when a pkg-config lookup fails)
#
# Checks each package with dpkg-query and installs only the missing ones with apt-get
# (through sudo when not root). Prints nothing when everything is present; runs
# `apt-get update` once, and only when something has to be installed. Exits non-zero
# with a message naming the packages when the installation fails.
set -euo pipefail

packages=(
    build-essential  # gcc, make
    pkg-config
    libgsl-dev
    libhdf5-dev      # hdf5-serial.pc
    hdf5-tools       # h5dump, h5ls
    libinih-dev
    libcriterion-dev # tests
    gnuplot-nox      # scripts/plot.sh
)

die() {
    printf 'install-deps: %s\n' "$*" >&2
    exit 1
}

missing=()
for pkg in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$pkg")
    fi
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

command -v apt-get >/dev/null 2>&1 ||
    die "apt-get not found; install these packages by hand: ${missing[*]}"

sudo_cmd=()
if [[ "$(id -u)" -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 ||
        die "not root and sudo not found; as root run: apt-get install ${missing[*]}"
    sudo_cmd=(sudo)
fi

echo "install-deps: installing ${missing[*]}"
${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
    die "apt-get update failed; missing packages: ${missing[*]}"
${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed for: ${missing[*]}"

for pkg in "${missing[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || die "$pkg is still not installed after apt-get install"
done
