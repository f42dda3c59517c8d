#!/usr/bin/env bash
# Fails when a module includes a header of a module it must not depend on. The graph is
# the one docs/architecture.md draws (section 1, "Modules"); each module may use what its
# edges reach, transitively. app/ is the composition root and may use every module.
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A edges=(
  [core]=""
  [config]="core"
  [model]="core"
  [store]="model"
  [journal]="core"
  [durability]="store journal model"
  [replication]="store journal model"
  [cluster]="core"         # etcd over its JSON gateway; used by app/ only
  [auth]="store journal model"
  [service]="store journal model"
  [api]="service auth"
  [http]="api replication"
  [bench]="core"           # mixtape-bench talks HTTP only
  [tools]="durability"     # mixtape-journal reads a data directory
)

# Everything `module` may include: itself and all it reaches.
reach() {
  local seen=" $1 " todo=($1) m d
  while [ ${#todo[@]} -gt 0 ]; do
    m=${todo[0]}
    todo=("${todo[@]:1}")
    for d in ${edges[$m]}; do
      case "$seen" in *" $d "*) ;; *) seen+="$d "; todo+=("$d") ;; esac
    done
  done
  echo "$seen"
}

bad=0
check() {  # module, directory
  local allowed file dep
  allowed=$(reach "$1")
  while IFS=: read -r file dep; do
    case "$allowed" in *" $dep "*) ;; *)
      echo "check-deps: $file includes $dep/, but $1 must not depend on $dep (see docs/architecture.md)" >&2
      bad=1 ;;
    esac
  done < <(grep -rHoE '^#include "[a-z_]+/' "$2" --include='*.hpp' --include='*.cpp' --include='*.h' |
           sed -E 's/:#include "([a-z_]+)\//:\1/' | grep -Ev ":(support|fuzz)$" || true)
}

for dir in lib/*/; do
  m=$(basename "$dir")
  [ -n "${edges[$m]+set}" ] || { echo "check-deps: lib/$m is not in the graph: add it here and to docs/architecture.md" >&2; bad=1; continue; }
  check "$m" "$dir"
done
check bench bench
check tools tools
[ $bad -eq 0 ] && echo "check-deps: every include follows the dependency graph"
exit $bad
