# Publishes the `himportal` console as it ships (ADR 0012) into DEST: one build of src/HimPortal.Cli, with every setting
# that matters for speed in its project file (ReadyToRun, runtime settings), as the Dockerfile publishes it.
# Needs HP_ROOT and hp_log (scripts/lib/postgres.sh).
hp_publish_cli() {
  local dest="$1"
  hp_log "publishing the CLI (src/HimPortal.Cli) to $dest"
  dotnet publish "$HP_ROOT/src/HimPortal.Cli" -c Release -o "$dest" -v quiet -nologo
}
