# Publishes the `himportal` console as it ships (ADR 0012), into one folder:
#   DEST/himportal   the native himportal (NativeAOT, src/HimPortal.Cli.Native): runs `import` itself and hands every
#                    other command to the JIT CLI below;
#   DEST/jit/        the JIT CLI (src/HimPortal.Cli, ReadyToRun): migrate, users, audit (EF Core and Identity need the JIT).
# NativeAOT links with clang (Debian's clang-14 here); one is installed when none is found. Needs hp_log and hp_as_root
# (scripts/lib/postgres.sh).
hp_find_clang() {
  local c
  for c in clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14; do
    if command -v "$c" >/dev/null 2>&1; then echo "$c"; return 0; fi
  done
  return 1
}

# Prints the clang to link with, installing Debian's (with zlib's headers) when there is none.
hp_ensure_clang() {
  if ! hp_find_clang; then
    hp_log "installing clang (NativeAOT links the native himportal with it)"
    hp_as_root apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive hp_as_root apt-get install -y -qq clang zlib1g-dev >&2
    hp_find_clang
  fi
}

hp_publish_cli() {
  local dest="$1" clang
  clang="$(hp_ensure_clang)"
  hp_log "publishing the CLI: native import (NativeAOT, $clang) and the JIT CLI in jit/"
  dotnet publish "$HP_ROOT/src/HimPortal.Cli" -c Release -o "$dest/jit" -v quiet -nologo
  dotnet publish "$HP_ROOT/src/HimPortal.Cli.Native" -c Release -o "$dest" -v quiet -nologo -p:CppCompilerAndLinker="$clang"
}
