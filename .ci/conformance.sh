#!/usr/bin/env bash
# The Python and Node.js Azure IoT SDKs, unchanged, against the standalone fake hub.
#
#   bash .ci/conformance.sh            # both languages
#   bash .ci/conformance.sh python     # or only one: python | node
#
# Needs fake-hub/target/fake-hub-standalone.jar (built if missing), Python 3.9+ with venv and pip, Node.js 20+
# with npm, and root or CAP_NET_BIND_SERVICE (the registry REST is on 443, as on IoT Hub). Installs the pinned
# SDKs into target/conformance/ (a venv; `npm ci` in a copy of conformance/node), starts the hub on
# $CONFORMANCE_HOST (default 127.0.0.10) with its telemetry log on, gives each suite only what a user would have
# (the printed IOTHUB_CONNECTION_STRING and the CA through the variables the README documents), and prints one
# line per language: `python: N passed, M failed`. Exits non-zero if any test failed or a suite ran none.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

HOST="${CONFORMANCE_HOST:-127.0.0.10}"
JAR=fake-hub/target/fake-hub-standalone.jar
READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-60}"
languages=("${@:-python node}")
read -r -a languages <<<"${languages[*]}"

if [[ ! -f "$JAR" ]]; then
  echo "conformance: $JAR not found, building it"
  mvn -q -B -ntp -DskipTests package -pl fake-hub -am
fi

out="$root/target/conformance"
mkdir -p "$out"
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

# Install first (network, minutes), so the hub does not idle meanwhile.
for language in "${languages[@]}"; do
  case "$language" in
    python)
      rm -rf "$out/venv"
      python3 -m venv "$out/venv"
      "$out/venv/bin/python" -m pip install -q --disable-pip-version-check -r conformance/python/requirements.txt
      ;;
    node)
      rm -rf "$out/node"
      mkdir -p "$out/node"
      cp -r conformance/node/package.json conformance/node/package-lock.json conformance/node/lib \
        conformance/node/test "$out/node/"
      (cd "$out/node" && npm ci --no-audit --no-fund --loglevel=error)
      ;;
    *)
      echo "conformance: unknown language '$language' (python | node)" >&2
      exit 2
      ;;
  esac
done

# A private copy of the jar, as in contract-tests/run-against-standalone.sh: a rebuild must not break the hub.
cp "$JAR" "$work/fake-hub-standalone.jar"
java -Dorg.slf4j.simpleLogger.log.io.github.iothubkit.fakehub.telemetry=debug \
  -jar "$work/fake-hub-standalone.jar" --host "$HOST" --registry-port 443 --ca-out "$work/ca.pem" \
  >"$work/hub.out" 2>"$out/hub.log" &
hub_pid=$!
deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until grep -qx READY "$work/hub.out"; do
  if ! kill -0 "$hub_pid" 2>/dev/null; then
    echo "conformance: the standalone hub exited before READY (443 needs root or CAP_NET_BIND_SERVICE):" >&2
    cat "$out/hub.log" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "conformance: no READY from the standalone hub within ${READY_TIMEOUT_SECONDS} s" >&2
    cat "$out/hub.log" >&2
    exit 1
  fi
  sleep 0.2 # polling a child process's output file
done
service_cs="$(sed -n 's/^IOTHUB_CONNECTION_STRING=//p' "$work/hub.out")"
ca="$work/ca.pem"
echo "conformance: standalone hub on $HOST (pid $hub_pid) is READY; its log: target/conformance/hub.log"

# Only what a user has: the connection string and the CA (through the documented variables, and as a file for the
# tests of the SDKs' own trust options), plus the hub's log for the telemetry checks. Variables of the machine
# that would point trust elsewhere (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS) are overridden.
common_env=(IOTHUB_CONNECTION_STRING="$service_cs" FAKE_HUB_LOG="$out/hub.log" FAKE_HUB_CA_PEM="$ca")
summaries=()
failed=0

run_python() {
  local report="$out/python-junit.xml" status=0
  (cd conformance/python && env "${common_env[@]}" SSL_CERT_FILE="$ca" REQUESTS_CA_BUNDLE="$ca" \
    "$out/venv/bin/python" -m pytest -p no:cacheprovider -v --junitxml="$report") || status=$?
  local counts
  counts="$("$out/venv/bin/python" - "$report" <<'EOF'
import sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
suites = [suites] if suites.tag == "testsuite" else list(suites)
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get(k, 0)) for s in suites for k in ("failures", "errors", "skipped"))
print(tests - bad, bad)
EOF
)" || counts="0 1"
  record python "$counts" "$status"
}

run_node() {
  local report="$out/node-tap.txt" status=0
  (cd "$out/node" && env "${common_env[@]}" NODE_EXTRA_CA_CERTS="$ca" \
    node --test --test-reporter=spec --test-reporter-destination=stdout \
    --test-reporter=tap --test-reporter-destination="$report" test/) || status=$?
  local pass fail
  pass="$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$report" | tail -1)"
  fail="$(awk '/^# (fail|cancelled|skipped|todo) [0-9]+$/ {n += $3} END {print n + 0}' "$report")"
  record node "${pass:-0} ${fail:-1}" "$status"
}

# Summary per language; a run with no passing test, a failure or a non-zero exit fails the script.
record() {
  local language="$1" pass fail status="$3"
  read -r pass fail <<<"$2"
  summaries+=("$language: $pass passed, $fail failed")
  if (( fail > 0 || pass == 0 || status != 0 )); then
    failed=1
  fi
}

for language in "${languages[@]}"; do
  "run_$language"
done

for line in "${summaries[@]}"; do
  echo "$line"
done
exit "$failed"
