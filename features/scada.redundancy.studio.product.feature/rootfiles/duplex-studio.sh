#!/bin/sh
# Duplex Studio with a file open: the native launcher duplex-studio beside this script starts the
# workbench (it reads duplex-studio.ini and runs Java 17 or newer from PATH, or -vm); this script
# only adds what a user wants on top: a workspace, and a configuration file open in the editor.
#
#   duplex-studio.sh [--workspace DIR] [FILE.scadaredundancy]
#
# FILE opens in the Redundancy editor (its folder becomes a project of the workspace, in place).
# Without FILE, the sample SCADA project (samples/plant of this folder) is copied into the
# workspace once, and its Redundancy configuration opens. The workspace defaults to
# ~/duplex-studio-workspace (or $DUPLEX_STUDIO_WORKSPACE). With JAVA_HOME set, its java is used.
set -eu

STUDIO_HOME=$(cd "$(dirname "$0")" && pwd)
workspace=${DUPLEX_STUDIO_WORKSPACE:-$HOME/duplex-studio-workspace}
file=
while [ $# -gt 0 ]; do
  case "$1" in
    --workspace)
      [ $# -ge 2 ] || { echo "duplex-studio.sh: --workspace needs a directory" >&2; exit 2; }
      workspace=$2; shift 2 ;;
    -h|--help) echo "usage: duplex-studio.sh [--workspace DIR] [FILE.scadaredundancy]"; exit 0 ;;
    -*) echo "duplex-studio.sh: unknown option $1 (usage: duplex-studio.sh [--workspace DIR] [FILE])" >&2; exit 2 ;;
    *) file=$1; shift ;;
  esac
done

if [ -z "$file" ]; then
  # The sample project, copied once: after that it is the user's, edits and all.
  if [ ! -d "$workspace/plant" ]; then
    mkdir -p "$workspace"
    cp -R "$STUDIO_HOME/samples/plant" "$workspace/plant"
  fi
  file=$workspace/plant/scada-a.scadaredundancy
fi
if [ ! -f "$file" ]; then
  echo "duplex-studio.sh: $file: no such file (create one in the studio with File > New > Duplex > Redundancy Configuration)" >&2
  exit 2
fi
file=$(cd "$(dirname "$file")" && pwd)/$(basename "$file")

# -vmargs after the ini's: the ini says --launcher.appendVmargs, so both sets reach the JVM.
if [ -n "${JAVA_HOME:-}" ]; then
  exec "$STUDIO_HOME/duplex-studio" -vm "$JAVA_HOME/bin/java" -data "$workspace" -vmargs -Dduplex.studio.open="$file"
fi
exec "$STUDIO_HOME/duplex-studio" -data "$workspace" -vmargs -Dduplex.studio.open="$file"
