# deploy/local/env.sh — the one place that pins versions, ports and paths of the
# local infrastructure. Sourced by the other deploy/local scripts; every value can
# be overridden from the environment (the system tests do so to get free ports
# and a private run directory).

ZS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# Kafka 3.9 is the last line that keeps the old protocol versions (4.0 removed
# them, KIP-896); 3.9.2 is its newest bug-fix release on Maven Central (newer
# commons-beanutils than 3.9.1). tests/helpers/kafka_smoke proves it against
# Debian's librdkafka 2.0.2.
: "${KAFKA_VERSION:=3.9.2}"
: "${KAFKA_SCALA_VERSION:=2.13}"
# Kafka 3.9 logs through slf4j 1.7 and reload4j, as its own distribution does.
: "${KAFKA_SLF4J_VERSION:=1.7.36}"
: "${KAFKA_RELOAD4J_VERSION:=1.2.25}"
: "${KAFKA_HEAP:=512m}"

: "${ZS_RUN:=$ZS_ROOT/.run}"
ZS_RUN=$(realpath -m "$ZS_RUN")
: "${ZS_CACHE:=${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/zaakstroom}"
: "${ZS_PG_PORT:=55432}"
: "${ZS_PG_DB:=zaakstroom}"
: "${ZS_KAFKA_PORT:=59092}"
: "${ZS_KAFKA_CONTROLLER_PORT:=59093}"

# initdb refuses to run as root: as root, the cluster belongs to this user.
: "${ZS_PG_OS_USER:=zaakstroom}"
PG_BIN=/usr/lib/postgresql/15/bin
KAFKA_HOME=$ZS_CACHE/kafka-$KAFKA_VERSION

export KAFKA_VERSION ZS_RUN ZS_CACHE ZS_PG_PORT ZS_PG_DB ZS_KAFKA_PORT ZS_KAFKA_CONTROLLER_PORT

zs_die() {
	printf '%s: %s\n' "$(basename "$0")" "$1" >&2
	[ $# -gt 1 ] && printf 'hint: %s\n' "$2" >&2
	exit 1
}
