#!/usr/bin/env bash
# check-layers.sh [ROOT] — refuses an include in common/ that goes the wrong way.
#
# common/ is built in layers; a file may include headers of its own folder and
# of the folders below it, never above or beside it:
#
#   core    log, config, loop, metrics, datum, mask     uses nothing
#   wire    Avro, schemas, CloudEvents                  uses core
#   stream  Kafka, PostgreSQL, outbox, projector        uses core, wire
#   http    evhttp server and pool                      uses core, wire
#   zgw     catalogus, identifiers, reasons             uses core, wire, stream
#   access  tokens, principals, policy, recording       uses all of the above
#   daemon  the steps every daemon's main() shares      uses all of the above
#
# Every include of a common header must name its folder ("core/log.h"), so the
# edge is visible in the source. Prints each offending line and exits 1.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/../.." && pwd)}

declare -A may=(
	[core]="core"
	[wire]="core wire"
	[stream]="core wire stream"
	[http]="core wire http"
	[zgw]="core wire stream zgw"
	[access]="core wire stream http zgw access"
	[daemon]="core wire stream http zgw access daemon"
)

bad=0
for layer in "${!may[@]}"; do
	dir=$root/common/$layer
	[ -d "$dir" ] || continue
	while IFS=: read -r file line text; do
		inc=${text#*\"}
		inc=${inc%%\"*}
		case $inc in
		*/*) target=${inc%%/*} ;;
		*) target="" ;;
		esac
		if [ -z "$target" ] || [ -z "${may[$target]+x}" ]; then
			echo "layers: ${file#"$root"/}:$line: include \"$inc\" does not name its folder in common/" >&2
			bad=1
		elif [[ " ${may[$layer]} " != *" $target "* ]]; then
			echo "layers: ${file#"$root"/}:$line: $layer may not include $target (\"$inc\"); $layer uses only: ${may[$layer]}" >&2
			bad=1
		fi
	done < <(grep -nH '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$dir"/*.[ch] 2>/dev/null || true)
done
exit $bad
