#!/usr/bin/env bash
# install-deps.sh: installs the Debian/Ubuntu packages microheal needs to build, test and plot.
#
# Usage: bash scripts/install-deps.sh      (`make deps` calls it when a pkg-config lookup, gnuplot or mpicc
#                                          is missing; make check-tsan and check-valgrind when their tools are)
#        bash scripts/install-deps.sh --paraview   the same and, opt-in (about 1 GB installed), ParaView's
#                                          pvpython with Xvfb, for the test that opens the XDMF files in
#                                          ParaView (make paraview-deps; skipped without them)
#
# Checks each package with dpkg-query and installs only the missing ones with apt-get (through sudo
# when not root), running `apt-get update` once, and only when something has to be installed.
# Prints nothing when everything is present. On failure prints what went wrong and which packages
# are missing, and exits 1.
set -euo pipefail

packages=(
    build-essential    # gcc, make; gcc-12 brings the ASan and UBSan runtimes (make check-asan)
    pkg-config
    libgsl-dev
    libhdf5-dev        # hdf5-serial.pc
    hdf5-tools         # h5dump, h5ls
    libinih-dev
    libssl-dev         # libcrypto: SHA-256 of each output's configuration (microheal sweep)
    libcriterion-dev   # make check
    gnuplot-nox        # microheal plot, sweep --plot, validate (scripts/*.gp)
    valgrind           # make check-valgrind
    clang-format-14    # make check: the format check, and make format (the version is pinned: another
                       # clang-format lays some lines out otherwise)
    clang-14           # make check-tsan: clang with LLVM's OpenMP runtime and ThreadSanitizer
    libomp-14-dev      # make check-tsan: libomp and Archer (libarcher.so, OpenMP semantics for TSan)
    libclang-rt-14-dev # make check-tsan: the TSan runtime (only recommended by clang-14)
    clang              # make fuzz
    libclang-rt-dev    # make fuzz: libFuzzer and the sanitizer runtimes
    libomp-dev         # make fuzz: clang's OpenMP runtime
    libopenmpi-dev     # microheal sweep under mpirun: mpi.h, libmpi and mpicc (make MPI=auto finds it)
    openmpi-bin        # microheal sweep under mpirun: mpirun (and make check's farm tests)
    slurmctld          # make check: the Slurm test of microheal sweep (tests/slurm/cluster.sh)
    slurmd             # make check: the Slurm test of microheal sweep (its single node)
    slurm-client       # make check: the Slurm test of microheal sweep (sbatch, squeue, sinfo, scontrol)
)
paraview_packages=(
    python3-paraview   # pvpython (and ParaView itself): tests/paraview/open_xdmf.py
    xvfb               # xvfb-run: a display for pvpython on a machine without one
    xauth              # xvfb-run needs it (only recommended by xvfb)
)

case "${1:-}" in
'') ;;
--paraview) packages+=("${paraview_packages[@]}") ;;
*)
    printf 'usage: bash scripts/install-deps.sh [--paraview]\n' >&2
    exit 2
    ;;
esac

die() {
    printf 'install-deps: %s\n' "$*" >&2
    exit 1
}

installed() { # installed PKG: true when dpkg knows PKG as installed
    [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${packages[@]}"; do
    installed "$pkg" || missing+=("$pkg")
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
${sudo_cmd[@]+"${sudo_cmd[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install failed; missing packages: ${missing[*]}"

for pkg in "${missing[@]}"; do
    installed "$pkg" || die "$pkg is still not installed after apt-get install"
done
