#!/usr/bin/env bash
# The Python and Node.js Azure IoT SDKs, unchanged, against the standalone fake hub.
#
#   bash .ci/conformance.sh            # both languages
#   bash .ci/conformance.sh python     # or only one: python | node
#
# Needs fake-hub/target/fake-hub-standalone.jar (built if missing), Python 3.10+ with venv and pip, Node.js 20+
# with npm, and root or CAP_NET_BIND_SERVICE (the registry REST is on 443, as on IoT Hub). Installs the pinned
# SDKs (a venv in target/py; `npm ci` in a copy of conformance/node in target/conformance), starts the hub on
# $CONFORMANCE_HOST (default 127.0.0.10) with its telemetry log on, gives each suite only what a user would have
# (the printed IOTHUB_CONNECTION_STRING and EVENTHUB_CONNECTION_STRING, the CA through the variables the README
# documents), and prints one line per language: `python: N passed, M failed`. Exits non-zero if any test failed
# or a suite ran none.
# For Python it also runs the README's "same tutorial in Python" block as written (not a copy of it): its
# install lines make the venv the suite uses, and its two terminals must show both messages on the device.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

HOST="${CONFORMANCE_HOST:-127.0.0.10}"
languages=("${@:-python node}")
read -r -a languages <<<"${languages[*]}"

source "$root/.ci/standalone-lib.sh"
standalone_init conformance

out="$root/target/conformance"
mkdir -p "$out"

# The README's Python block (section "The standalone hub and the tutorial in three terminals"): the lines before
# "# terminal 2 (Python)" install, then the device's and the back end's terminals.
readme_python_parts() {
  local block
  block="$(awk '
    index($0, "## The standalone hub and the tutorial in three terminals") == 1 { insec = 1; next }
    insec && /^## / { exit }
    insec && !inblk && /^```bash[[:space:]]*$/ { inblk = 1; text = ""; next }
    inblk && /^```[[:space:]]*$/ { inblk = 0; if (index(text, "# terminal 2 (Python)")) { printf "%s", text; exit } next }
    inblk { text = text $0 "\n" }
  ' README.md)"
  if [[ -z "$block" ]]; then
    echo "conformance: README.md has no bash block with '# terminal 2 (Python)' in its three-terminals section" >&2
    exit 1
  fi
  mapfile -t py_install < <(printf '%s\n' "$block" | sed '/^# terminal 2 (Python)/,$d' | grep -v '^[[:space:]]*\(#\|$\)')
  py_device="$(printf '%s\n' "$block" | sed -n '/^# terminal 2 (Python)/,/^# terminal 3 (Python)/p' | sed '$d')"
  py_service="$(printf '%s\n' "$block" | sed -n '/^# terminal 3 (Python)/,$p')"
  if (( ${#py_install[@]} == 0 )) || [[ -z "$py_device" || -z "$py_service" ]]; then
    echo "conformance: the README's Python block needs install lines, '# terminal 2 (Python)' and '# terminal 3 (Python)'" >&2
    exit 1
  fi
}

# Install first (network, minutes), so the hub does not idle meanwhile.
for language in "${languages[@]}"; do
  case "$language" in
    python)
      readme_python_parts
      echo "conformance: installing the Python SDKs with the README's lines:"
      printf '  %s\n' "${py_install[@]}"
      rm -rf target/py
      bash -ec "$(printf '%s\n' "${py_install[@]}")" >"$out/python-install.log" 2>&1 \
        || { cat "$out/python-install.log" >&2; echo "conformance: the README's install lines failed" >&2; exit 1; }
      venv_python="$root/target/py/bin/python"
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

standalone_start "$out/hub.log" -Dorg.slf4j.simpleLogger.log.io.github.iothubkit.fakehub.telemetry=debug \
  -- --host "$HOST" --registry-port 443 --device myDevice --ca-out target/hub-ca.pem
service_cs="$(standalone_var IOTHUB_CONNECTION_STRING)"
eventhub_cs="$(standalone_var EVENTHUB_CONNECTION_STRING)"
ca="$root/target/hub-ca.pem"
echo "conformance: standalone hub on $HOST (pid $hub_pid) is READY; its log: target/conformance/hub.log"

# Only what a user has: the connection string and the CA (through the documented variables, and as a file for the
# tests of the SDKs' own trust options), plus the hub's log for the telemetry checks. Variables of the machine
# that would point trust elsewhere (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, NODE_EXTRA_CA_CERTS) are overridden.
common_env=(IOTHUB_CONNECTION_STRING="$service_cs" EVENTHUB_CONNECTION_STRING="$eventhub_cs"
  FAKE_HUB_LOG="$out/hub.log" FAKE_HUB_CA_PEM="$ca")
summaries=()
failed=0

run_python() {
  local report="$out/python-junit.xml" status=0
  (cd conformance/python && env "${common_env[@]}" SSL_CERT_FILE="$ca" REQUESTS_CA_BUNDLE="$ca" \
    "$venv_python" -m pytest -p no:cacheprovider -v --junitxml="$report") || status=$?
  local counts
  counts="$("$venv_python" - "$report" <<'EOF'
import sys, xml.etree.ElementTree as ET
suites = ET.parse(sys.argv[1]).getroot()
suites = [suites] if suites.tag == "testsuite" else list(suites)
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get(k, 0)) for s in suites for k in ("failures", "errors", "skipped"))
print(tests - bad, bad)
EOF
)" || counts="0 1"
  record python "$counts" "$status"
  readme_python_terminals
}

# Terminals 2 and 3 of the README's Python block, as written, each '<the NAME value>' replaced by what the hub
# printed as NAME=...: the device must print message_0 and message_1 with their properties.
readme_python_terminals() {
  local device_script service_script name value device_pid status=0 deadline
  device_script="$py_device"
  service_script="$py_service"
  while IFS='=' read -r name value; do
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    device_script="${device_script//"<the $name value>"/"$value"}"
    service_script="${service_script//"<the $name value>"/"$value"}"
  done <"$work/hub.out"
  echo "conformance: the README's Python terminals 2 and 3, as written"
  setsid bash -ec "$device_script" </dev/null >"$out/readme-device.out" 2>&1 &
  device_pid=$!
  deadline=$((SECONDS + 60))
  until grep -q "Waiting for C2D messages" "$out/readme-device.out"; do
    if ! kill -0 "$device_pid" 2>/dev/null || (( SECONDS >= deadline )); then
      break
    fi
    sleep 0.2 # polling a child process's output file
  done
  timeout 120 bash -ec "$service_script" </dev/null >"$out/readme-service.out" 2>&1 || status=$?
  deadline=$((SECONDS + 60))
  until grep -q "'message_1'" "$out/readme-device.out"; do
    if (( status != 0 )) || ! kill -0 "$device_pid" 2>/dev/null || (( SECONDS >= deadline )); then
      break
    fi
    sleep 0.2
  done
  # TERM, not INT: a background job of a non-interactive shell starts with SIGINT ignored. KILL if need be.
  kill -TERM -- "-$device_pid" 2>/dev/null || true
  deadline=$((SECONDS + 15))
  while kill -0 "$device_pid" 2>/dev/null && (( SECONDS < deadline )); do
    sleep 0.2
  done
  kill -KILL -- "-$device_pid" 2>/dev/null || true
  wait "$device_pid" 2>/dev/null || true
  if (( status == 0 )) && grep -q "('message_id', 'message_0')" "$out/readme-device.out" \
      && grep -q "('message_id', 'message_1')" "$out/readme-device.out" \
      && grep -q "('custom_properties', {'testProperty': 'PropMsg_1'})" "$out/readme-device.out"; then
    summaries+=("python README three terminals: OK, the device printed message_0 and message_1")
  else
    summaries+=("python README three terminals: FAILED (back end exit $status; outputs in target/conformance/readme-*.out)")
    failed=1
    tail -n 40 "$out/readme-service.out" "$out/readme-device.out" >&2
  fi
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
