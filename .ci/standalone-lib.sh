# Sourced by .ci/conformance.sh and contract-tests/run-against-standalone.sh: starting the standalone fake hub
# from fake-hub/target/fake-hub-standalone.jar and reading the variables it prints. Run from the repository root.
# Sets the globals work (a temp dir, removed on exit), hub_pid and READY_TIMEOUT_SECONDS (default 60).

STANDALONE_JAR=fake-hub/target/fake-hub-standalone.jar

# standalone_init PREFIX: builds the jar if missing, makes $work, and stops the hub and removes $work on exit.
standalone_init() {
  standalone_prefix="$1"
  READY_TIMEOUT_SECONDS="${READY_TIMEOUT_SECONDS:-60}"
  if [[ ! -f "$STANDALONE_JAR" ]]; then
    echo "$standalone_prefix: $STANDALONE_JAR not found, building it"
    mvn -q -B -ntp -DskipTests package -pl fake-hub -am
  fi
  work="$(mktemp -d)"
  hub_pid=""
  trap standalone_cleanup EXIT
  trap 'exit 130' INT TERM
}

standalone_cleanup() {
  if [[ -n "$hub_pid" ]] && kill -0 "$hub_pid" 2>/dev/null; then
    kill -TERM "$hub_pid" 2>/dev/null || true
    wait "$hub_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}

# standalone_start STDERR_FILE [JAVA_OPTION...] -- HUB_ARG...: starts the hub (stdout to $work/hub.out, which
# carries only the machine-readable lines, READY last) and waits for READY; exits with the hub's log if it
# stops first or READY does not come within READY_TIMEOUT_SECONDS.
standalone_start() {
  local err="$1" java_opts=() deadline
  shift
  while (( $# )) && [[ "$1" != -- ]]; do
    java_opts+=("$1")
    shift
  done
  (( $# )) && shift
  # Run a private copy: a JVM reads its jar lazily, so a rebuild of fake-hub/target while the hub runs (a
  # Maven run of the caller, or another build in this tree) would otherwise break it in the middle of a suite.
  cp "$STANDALONE_JAR" "$work/fake-hub-standalone.jar"
  java ${java_opts[@]+"${java_opts[@]}"} -jar "$work/fake-hub-standalone.jar" "$@" >"$work/hub.out" 2>"$err" &
  hub_pid=$!
  deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
  until grep -qx READY "$work/hub.out"; do
    if ! kill -0 "$hub_pid" 2>/dev/null; then
      echo "$standalone_prefix: the standalone hub exited before READY (binding the registry REST to port 443" \
           "needs root or CAP_NET_BIND_SERVICE):" >&2
      cat "$err" >&2
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      echo "$standalone_prefix: no READY from the standalone hub within ${READY_TIMEOUT_SECONDS} s:" >&2
      cat "$err" >&2
      exit 1
    fi
    sleep 0.2 # polling a child process's output file; the tests themselves never sleep
  done
}

# standalone_var NAME: the value of the hub's printed NAME=... line (empty if it printed none).
standalone_var() {
  sed -n "s/^$1=//p" "$work/hub.out"
}
