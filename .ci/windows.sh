#!/usr/bin/env bash
# Builds handoff-codec and handoff-transport for x86_64-pc-windows-gnu and runs their
# tests (unit, integration and doc tests) under Wine.
#
# Idempotent and quiet on success: installs what is missing (Wine, mingw-w64, the Rust
# target), builds the ProcessPrng shim (.ci/wine/bcryptprimitives.c), keeps a private Wine
# prefix under the target directory, then runs `cargo test`. Output appears only when a
# step fails (or with VERBOSE=1). Extra arguments go to `cargo test`, e.g.
#   .ci/windows.sh -- windows_tests
# Environment: CARGO_TARGET_DIR (default: <repo>/target), VERBOSE.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
triple=x86_64-pc-windows-gnu
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

# Runs a command; its output goes to the log, which is shown if the command fails.
run() {
    if [ "${VERBOSE:-0}" = 1 ]; then
        "$@"
    elif ! "$@" >"$log" 2>&1; then
        cat "$log" >&2
        echo "windows.sh: failed: $*" >&2
        exit 1
    fi
}

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo

find_wine() {
    for w in "$(command -v wine64 || true)" /usr/lib/wine/wine64 "$(command -v wine || true)"; do
        if [ -n "$w" ] && [ -x "$w" ]; then
            echo "$w"
            return
        fi
    done
}

# 1. Packages. Debian 12 ships the 64-bit loader as `wine64` (/usr/lib/wine/wine64);
#    releases without that package have it in `wine`.
packages=()
[ -n "$(find_wine)" ] || packages+=(wine64)
command -v x86_64-w64-mingw32-gcc >/dev/null || packages+=(gcc-mingw-w64-x86-64)
if [ "${#packages[@]}" -gt 0 ]; then
    run $sudo apt-get update -qq
    if [[ " ${packages[*]} " == *" wine64 "* ]] && ! apt-cache show wine64 >/dev/null 2>&1; then
        packages=("${packages[@]/wine64/wine}")
    fi
    run $sudo env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
wine="$(find_wine)"
wineserver="$(command -v wineserver || echo "$(dirname "$wine")/wineserver")"
[ -x "$wine" ] && [ -x "$wineserver" ] || { echo "windows.sh: no wine64/wineserver" >&2; exit 1; }

# 2. The Rust target.
rustup target list --installed | grep -qx "$triple" || run rustup target add "$triple"

# 3. The ProcessPrng shim.
wine_dir="$target_dir/wine"
shim_src="$root/.ci/wine/bcryptprimitives.c"
shim="$wine_dir/bcryptprimitives.dll"
mkdir -p "$wine_dir"
if [ ! -f "$shim" ] || [ "$shim_src" -nt "$shim" ]; then
    run x86_64-w64-mingw32-gcc -shared -O2 -s -o "$shim" "$shim_src" -ladvapi32
fi

# 4. A private prefix, with the shim in system32 so that every process finds it (the
#    test executables and the child processes they start); `n,b` prefers it over a
#    builtin of the same name.
export WINEPREFIX="$wine_dir/prefix"
export WINEARCH=win64 WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b"
export HANDOFF_WINE="$wine"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    run "$wine" wineboot --init
    run "$wineserver" --wait
fi
system32="$WINEPREFIX/drive_c/windows/system32"
cmp -s "$shim" "$system32/bcryptprimitives.dll" || cp "$shim" "$system32/bcryptprimitives.dll"

# 5. Build and test.
export CARGO_TARGET_DIR="$target_dir"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$root/.ci/wine/run.sh"
cd "$root"
run timeout 1800 cargo test -p handoff-codec -p handoff-transport --target "$triple" "$@"
