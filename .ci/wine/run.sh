#!/bin/sh
# Cargo runner for x86_64-pc-windows-gnu: runs a test executable under Wine.
# .ci/windows.sh sets HANDOFF_WINE, WINEPREFIX and the rest of the environment.
exec "${HANDOFF_WINE:-wine64}" "$@"
