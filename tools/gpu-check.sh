#!/usr/bin/env bash
# Checks on a GPU machine that each worker's sessions see exactly the worker's GPU.
# Starts one worker per GPU (at most two: --gpu 0 and --gpu 1), then through `aira exec` asks each:
#   nvidia-smi -L                       -> exactly one GPU, the worker's (by UUID)
#   CUDA_VISIBLE_DEVICES                -> the worker's GPU (its index without a sandbox, its UUID inside one)
#   libcuda cuDeviceGetCount            -> 1 (CUDA itself sees one device; no torch needed)
# Prints one PASS/FAIL line per check and exits non-zero on any FAIL. Never part of CI.
# Usage: tools/gpu-check.sh [--sandbox auto|required|off]   (run from the repository root, after a build)
set -u
cd "$(dirname "$0")/.."
SANDBOX="${2:-auto}"
[ "${1:-}" = "--sandbox" ] || SANDBOX=auto
AIRA="node packages/cli/bin/aira.js"
DEADLINE=$((SECONDS + 170))   # the whole check stays under 3 minutes
FAILS=0
TMP="$(mktemp -d /tmp/aira-gpu-check.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; FAILS=$((FAILS + 1)); }
left() { echo $((DEADLINE - SECONDS)); }

if ! command -v nvidia-smi >/dev/null 2>&1; then fail "nvidia-smi not found: not a GPU machine"; exit 1; fi
mapfile -t INVENTORY < <(timeout 20 nvidia-smi --query-gpu=index,uuid --format=csv,noheader 2>/dev/null)
if [ "${#INVENTORY[@]}" -eq 0 ]; then fail "nvidia-smi lists no GPU"; exit 1; fi
N=${#INVENTORY[@]}; [ "$N" -gt 2 ] && N=2
echo "machine: ${#INVENTORY[@]} GPU(s); checking $N worker(s); sandbox $SANDBOX"

# Each worker's first stdout line is JSON with its address and token file.
for ((i = 0; i < N; i++)); do
  $AIRA worker --gpu "$i" --listen 127.0.0.1:0 --workdir "$TMP/w$i" --sandbox "$SANDBOX" --log-level warn >"$TMP/w$i.out" 2>"$TMP/w$i.err" &
  PIDS+=($!)
done
for ((i = 0; i < N; i++)); do
  until [ -s "$TMP/w$i.out" ] || [ "$(left)" -le 120 ]; do sleep 0.2; done
  if [ ! -s "$TMP/w$i.out" ]; then fail "worker $i did not start: $(tail -n 3 "$TMP/w$i.err")"; exit 1; fi
done

field() { sed -n "1s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p" "$TMP/w$1.out"; }

for ((i = 0; i < N; i++)); do
  addr="$(field "$i" address)"; token="$(field "$i" token_file)"
  uuid="$(echo "${INVENTORY[$i]}" | cut -d, -f2 | tr -d ' ')"
  ex() { timeout "$(( $(left) < 40 ? $(left) : 40 ))" $AIRA exec --worker "$addr" --token-file "$token" "$@" 2>>"$TMP/exec.err"; }

  listed="$(ex -- nvidia-smi -L)"
  count="$(printf '%s\n' "$listed" | grep -c '^GPU ')"
  if [ "$count" -eq 1 ] && printf '%s' "$listed" | grep -q "$uuid"; then pass "worker $i: nvidia-smi -L lists only its GPU ($uuid)"
  else fail "worker $i: nvidia-smi -L lists $count GPU(s), expected only $uuid: $(printf '%s' "$listed" | tr '\n' ' ')"; fi

  cvd="$(ex --python -- 'import os; print(os.environ["CUDA_VISIBLE_DEVICES"])' | tail -n 1)"
  if [ "$cvd" = "$i" ] || [ "$cvd" = "$uuid" ]; then pass "worker $i: CUDA_VISIBLE_DEVICES=$cvd"
  else fail "worker $i: CUDA_VISIBLE_DEVICES=\"$cvd\", expected $i or $uuid"; fi

  n="$(ex --python -- 'import ctypes; c = ctypes.CDLL("libcuda.so.1"); n = ctypes.c_int(); assert c.cuInit(0) == 0, "cuInit failed"; c.cuDeviceGetCount(ctypes.byref(n)); print(n.value)' | tail -n 1)"
  if [ "$n" = "1" ]; then pass "worker $i: CUDA sees 1 device"; else fail "worker $i: CUDA sees \"$n\" devices, expected 1"; fi
done

if [ -s "$TMP/exec.err" ]; then echo "--- aira exec stderr ---"; tail -n 20 "$TMP/exec.err"; fi
[ "$FAILS" -eq 0 ] && echo "gpu-check: all passed" || echo "gpu-check: $FAILS failure(s)"
exit "$FAILS"
