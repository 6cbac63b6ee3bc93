#!/usr/bin/env bash
# The README's "standalone hub and the tutorial in three terminals", run as written: extracts the Java
# commands of that section from README.md (not a copy of them) and runs them in a fresh clone:
#   terminal 1: the build and the standalone hub command, exactly as written; waits for its READY line;
#   terminal 2: the device block, with each '<the NAME value>' replaced by what the hub printed as NAME=...;
#   terminal 3: the back-end block, likewise; it must exit 0 with delivery feedback for both messages,
# and the device must have printed both messages. Everything it started is stopped on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/readme-lib.sh"
SECTION="The standalone hub and the tutorial in three terminals"
TIMEOUT_SECONDS="${README_TIMEOUT_SECONDS:-900}"

work="$(mktemp -d)"
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do                      # each started with setsid: its own process group
    kill -TERM -- "-$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
fail() {
  echo "three-terminals: $1" >&2
  local f
  for f in "$work"/*.out "$work"/*.err; do
    [[ -s "$f" ]] && { echo "--- ${f##*/}" >&2; tail -n 60 "$f" >&2; }
  done
  exit 1
}
# wait_for FILE TEXT SECONDS PID: until FILE has a line containing TEXT, while process PID lives
wait_for() {
  local deadline=$((SECONDS + $3))
  until grep -qF -- "$2" "$1" 2>/dev/null; do
    kill -0 "$4" 2>/dev/null || fail "exited before printing '$2'"
    (( SECONDS < deadline )) || fail "no '$2' within $3 s"
    sleep 0.5 # polling a child process's output file
  done
}

fresh_clone "$work/repo"
cd "$work/repo"
unset IOTHUB_CONNECTION_STRING IOTHUB_DEVICE_CONNECTION_STRING IOTHUB_DEVICE_ID IOTHUB_TRUSTED_CA_PEM \
      IOTHUB_FEEDBACK_TIMEOUT_SECONDS

# Terminal 1: the block that starts the standalone jar. Every other command in it runs first, in order.
hub_block="$(readme_block_with README.md "$SECTION" "java -jar")"
hub_cmd="$(printf '%s\n' "$hub_block" | grep -m1 '^java -jar')"
while IFS= read -r line; do
  [[ -z "${line// }" || "$line" == \#* || "$line" == "$hub_cmd" ]] && continue
  echo "three-terminals: terminal 1, as written: $line"
  timeout "$TIMEOUT_SECONDS" bash -c "$line" </dev/null >"$work/build.out" 2>"$work/build.err" \
    || fail "'$line' failed"
done <<<"$hub_block"

echo "three-terminals: terminal 1, as written: $hub_cmd"
setsid bash -c "$hub_cmd" </dev/null >"$work/hub.out" 2>"$work/hub.err" &
hub_pid=$!; pids+=("$hub_pid")
wait_for "$work/hub.out" READY 120 "$hub_pid"

# Terminals 2 and 3: one block, split at the "# terminal 3" comment; placeholders take the printed values.
apps_block="$(readme_block_with README.md "$SECTION" "# terminal 2")"
device_part="$(printf '%s\n' "$apps_block" | sed -n '/^# terminal 2/,/^# terminal 3/p' | sed '$d')"
service_part="$(printf '%s\n' "$apps_block" | sed -n '/^# terminal 3/,$p')"
[[ -n "$device_part" && -n "$service_part" ]] || fail "README block without '# terminal 2' and '# terminal 3' parts"
fill() {
  local text="$1" name value
  while IFS='=' read -r name value; do
    [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || continue
    text="${text//"<the $name value>"/"$value"}"
  done <"$work/hub.out"
  if grep -q '<the .* value>' <<<"$text"; then
    fail "the README names a value the hub did not print: $(grep -o '<the [^>]*>' <<<"$text" | head -1)"
  fi
  printf '%s\n' "$text"
}
device_script="$(fill "$device_part")"
service_script="$(fill "$service_part")"

echo "three-terminals: terminal 2, as written (values filled in): the device block"
setsid bash -c "set -e; $device_script" </dev/null >"$work/device.out" 2>"$work/device.err" &
device_pid=$!; pids+=("$device_pid")
wait_for "$work/device.out" "Waiting for C2D messages" "$TIMEOUT_SECONDS" "$device_pid"

echo "three-terminals: terminal 3, as written (values filled in): the back-end block"
status=0
timeout "$TIMEOUT_SECONDS" bash -c "set -e; $service_script" </dev/null >"$work/service.out" 2>"$work/service.err" \
  || status=$?
(( status == 0 )) || fail "the back end exited $status"

for id in message_0 message_1; do
  grep -qi "$id.*success" "$work/service.out" || fail "the back end printed no Success feedback for $id"
  wait_for "$work/device.out" "'$id'" 30 "$device_pid"   # the device prints before it completes the message
done
echo "three-terminals: OK: the device printed message_0 and message_1, the back end their Success feedback"
