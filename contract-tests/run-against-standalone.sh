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

source .ci/standalone-lib.sh
standalone_init run-against-standalone

# --registry-port given explicitly: the hub then refuses to start without it, as the suite needs it.
standalone_start "$work/hub.err" -- --host "$HOST" --registry-port 443 --ca-out "$work/ca.pem"

IOTHUB_CONNECTION_STRING="$(standalone_var IOTHUB_CONNECTION_STRING)"
if [[ -z "$IOTHUB_CONNECTION_STRING" ]]; then
  echo "run-against-standalone: the hub printed no IOTHUB_CONNECTION_STRING line" >&2
  exit 1
fi
export IOTHUB_CONNECTION_STRING
export IOTHUB_TRUSTED_CA_PEM="$work/ca.pem"
EVENTHUB_CONNECTION_STRING="$(standalone_var EVENTHUB_CONNECTION_STRING)"
export EVENTHUB_CONNECTION_STRING
echo "run-against-standalone: standalone hub on $HOST (pid $hub_pid) is READY; running the suite with -Preal-hub"

# -am builds device-app, service-app and fake-hub from this checkout (nothing needs to be installed);
# the test filter keeps their own tests from running again, and failIfNoSpecifiedTests lets them pass empty.
mvn -B -ntp -pl contract-tests -am test -Preal-hub \
  -Dtest='io.github.iothubkit.contract.**' -Dsurefire.failIfNoSpecifiedTests=false "$@"
