#!/usr/bin/env bash
# The contract suite's real-hub profile against the standalone fake hub: proof that the suite reaches a hub
# only the way an application does (connection string, CA PEM, fixed ports), with no Azure account.
#
#   bash contract-tests/run-against-standalone.sh [extra mvn args, e.g. -DexcludedGroups=slow-on-real-hub]
#
# Starts fake-hub/target/fake-hub-standalone.jar on $STANDALONE_HOST (default 127.0.0.9) with the registry
# REST on 443 (needs root or CAP_NET_BIND_SERVICE, as CI has), waits for READY, exports
# IOTHUB_CONNECTION_STRING, EVENTHUB_CONNECTION_STRING and IOTHUB_TRUSTED_CA_PEM, runs the suite with -Preal-hub, and always stops the hub.
set -euo pipefail
cd "$(dirname "$0")/.."

HOST="${STANDALONE_HOST:-127.0.0.9}"
JAR=fake-hub/target/fake-hub-standalone.jar
READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-60}"

if [[ ! -f "$JAR" ]]; then
  echo "run-against-standalone: $JAR not found, building it"
  mvn -q -B -ntp -DskipTests package -pl fake-hub -am
fi

work="$(mktemp -d)"
hub_pid=""
cleanup() {
  if [[ -n "$hub_pid" ]] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -TERM "$hub_pid" 2>/dev/null || true
    wait "$hub_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a private copy: a JVM reads its jar lazily, so a rebuild of fake-hub/target while the hub runs (the
# Maven run below, or another build in this tree) would otherwise break it in the middle of the suite.
cp "$JAR" "$work/fake-hub-standalone.jar"
# --registry-port given explicitly: the hub then refuses to start without it, as the suite needs it.
java -jar "$work/fake-hub-standalone.jar" --host "$HOST" --registry-port 443 --ca-out "$work/ca.pem" \
  >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!

# stdout carries only the machine-readable lines; READY comes last.
deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until grep -qx READY "$work/hub.out"; do
  if ! kill -0 "$hub_pid" 2>/dev/null; then
    echo "run-against-standalone: the standalone hub exited before READY (binding $HOST:443 for the" \
         "registry REST needs root or CAP_NET_BIND_SERVICE):" >&2
    cat "$work/hub.err" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "run-against-standalone: no READY from the standalone hub within ${READY_TIMEOUT_SECONDS} s:" >&2
    cat "$work/hub.err" >&2
    exit 1
  fi
  sleep 0.2 # polling a child process's output file; the tests themselves never sleep
done

IOTHUB_CONNECTION_STRING="$(sed -n 's/^IOTHUB_CONNECTION_STRING=//p' "$work/hub.out")"
if [[ -z "$IOTHUB_CONNECTION_STRING" ]]; then
  echo "run-against-standalone: the hub printed no IOTHUB_CONNECTION_STRING line" >&2
  exit 1
fi
export IOTHUB_CONNECTION_STRING
export IOTHUB_TRUSTED_CA_PEM="$work/ca.pem"
EVENTHUB_CONNECTION_STRING="$(sed -n 's/^EVENTHUB_CONNECTION_STRING=//p' "$work/hub.out")"
export EVENTHUB_CONNECTION_STRING
echo "run-against-standalone: standalone hub on $HOST (pid $hub_pid) is READY; running the suite with -Preal-hub"

# -am builds device-app, service-app and fake-hub from this checkout (nothing needs to be installed);
# the test filter keeps their own tests from running again, and failIfNoSpecifiedTests lets them pass empty.
mvn -B -ntp -pl contract-tests -am test -Preal-hub \
  -Dtest='io.github.iothubkit.contract.**' -Dsurefire.failIfNoSpecifiedTests=false "$@"
