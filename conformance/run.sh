#!/usr/bin/env bash
# run.sh [-j JOBS] [-k "6.1 6.12"] [-o DIR] [--no-doc] [SCENARIO.ovc... | forkcheck]
#
# The conformance run (`make conformance`): every scenario in conformance/
# (or those named) on each real kernel, booted under qemu, with
# `ovc exec --compare`: the scenario runs as real system calls, then the
# model runs from the state the kernel started in, and the two traces must
# agree (docs/conformance.md, conformance/README.md).
#
# And one more VM per kernel, "forkcheck": conformance/forkprobe.c checks
# `ovc fork-check PID --json` against real fork() calls near the limit
# (conformance/README.md). It runs with every scenario, or when
# "forkcheck" is named among the scenarios.
#
#   -j JOBS     VMs at a time (default: the number of CPUs, at most 4)
#   -k LIST     kernel series (default "6.1 6.12")
#   -o DIR      where each run's files go (default build/conformance)
#   --no-doc    do not regenerate docs/conformance.md (it is regenerated
#               only when every scenario ran on every default kernel)
#
# OVC_STATIC=FILE uses that static ovc instead of building build/ovc-static,
# OVC_FORKPROBE=FILE that probe instead of building build/forkprobe.
#
# A scenario sizes its VM with one directive line (defaults shown):
#   # vm: mem=512M cpus=1 swap=0 data=auto timeout=60 panic=0
# data=SIZE is an ext2 disk at /data where `file` lines make their files
# (data=auto: 1G when the scenario has a file line, else none; data=0: the
# files go to the guest's /tmp, which is RAM). panic=1: the scenario's OOM
# panics the kernel (vm.panic_on_oom); see judge_panic.
#
# The guests boot with norandmaps, so that address spaces are laid out as
# the model lays them out (conformance/README.md).
#
# Each run leaves in DIR/KERNEL/: NAME.out (the report), NAME.err (notes,
# harness messages), NAME.mirror.ovc (the scenario the model ran: `ovc sim
# --kernel K NAME.mirror.ovc` replays the model side on any machine),
# NAME.console (the guest kernel's log), NAME.status. A VM that times out
# or panics is a failure, and the tail of its console is shown.
# The last line is "conformance: N passed, M failed"; exit 0 when M is 0,
# 1 when not, 2 when the harness itself cannot run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
[ "$jobs" -le 4 ] || jobs=4
kernels="6.1 6.12"
out=$top/build/conformance
doc=1
scenarios=()
forkcheck=1	# the fork-check probe: in a full run, or when named
named=0
while [ $# -gt 0 ]; do
	case $1 in
	-j) jobs=${2:?}; shift 2 ;;
	-k) kernels=${2:?}; doc=0; shift 2 ;;
	-o) out=${2:?}; shift 2 ;;
	--no-doc) doc=0; shift ;;
	-h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
	-*) echo "run.sh: unknown option $1" >&2; exit 2 ;;
	forkcheck) named=1; doc=0; shift ;;
	*) scenarios+=("$1"); doc=0; shift ;;
	esac
done
# scenarios named without "forkcheck": no probe; "forkcheck" alone: only it
if [ $named = 0 ] && [ ${#scenarios[@]} -gt 0 ]; then
	forkcheck=0
fi
[[ $jobs =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: -j wants a number" >&2; exit 2; }
if [ ${#scenarios[@]} -eq 0 ] && [ $named = 0 ]; then
	shopt -s nullglob
	scenarios=("$here"/*.ovc)
	shopt -u nullglob
fi
if [ ${#scenarios[@]} -eq 0 ] && [ $forkcheck = 0 ]; then
	echo "conformance: no scenarios in $here"
	echo "conformance: 0 passed, 0 failed"
	exit 0
fi

t_start=$(date +%s.%N)
# --- the kernels and the static binary ----------------------------------------
"$here/vm/fetch-kernels.sh" $kernels >/dev/null || { echo "run.sh: fetch-kernels.sh failed" >&2; exit 2; }
# absolute path of a file given in the environment
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
targets=()
if [ -n "${OVC_STATIC:-}" ]; then	# a static ovc built elsewhere
	ovc=$(abs "$OVC_STATIC")
else
	targets+=(static)
	ovc=$top/build/ovc-static
fi
if [ -n "${OVC_FORKPROBE:-}" ]; then
	probe=$(abs "$OVC_FORKPROBE")
else
	[ $forkcheck = 0 ] || targets+=(forkprobe)
	probe=$top/build/forkprobe
fi
if [ ${#targets[@]} -gt 0 ]; then
	make -s -C "$top" "${targets[@]}" >&2 || { echo "run.sh: make ${targets[*]} failed" >&2; exit 2; }
fi
case $out in
/|"$top"|"$HOME") echo "run.sh: -o $out would be wiped: choose a directory of its own" >&2; exit 2 ;;
esac
rm -rf "$out"
mkdir -p "$out"

# --- one scenario on one kernel -------------------------------------------------

# the value of KEY in the scenario's "# vm:" line, or DEFAULT
directive() {
	local file=$1 key=$2 def=$3 v
	v=$(grep -m1 -E '^#[[:space:]]*vm:' "$file" | tr ' \t' '\n\n' | sed -n "s/^$key=//p" | head -n1)
	echo "${v:-$def}"
}

# run_attempt KERNEL FILE: writes $out/KERNEL/NAME.{out,err,mirror.ovc,console,status}
run_attempt() {
	local k=$1 f=$2 name d mem cpus swap data timeout files t0 t1 rc st
	name=$(basename "$f" .ovc)
	d=$out/$k
	mem=$(directive "$f" mem 512M)
	cpus=$(directive "$f" cpus 1)
	swap=$(directive "$f" swap 0)
	data=$(directive "$f" data auto)
	timeout=$(directive "$f" timeout 60)
	if ! [[ $timeout =~ ^[1-9][0-9]*$ ]]; then
		echo "run.sh: $f: timeout=$timeout in the vm: line is not a number of seconds" >"$d/$name.err"
		printf 'error\t2\t0\t?\tbad vm: line\n' >"$d/$name.status"
		return
	fi
	if [ "$data" = auto ]; then
		data=0
		grep -qE '^[[:space:]]*file[[:space:]]' "$f" && data=1G
	fi
	files=$out/.files/$k-$name	# what the guest gets in /work
	mkdir -p "$files"
	cp "$f" "$files/$name.ovc"
	local vm=(--kernel "$k" --mem "$mem" --cpus "$cpus" --timeout "$timeout"
		  --append "ovc.disposable=1 norandmaps" --files "$files" --console "$d/$name.console")
	local ex=(exec --quiet --compare --mirror-out /proc/self/fd/2)
	[ "$swap" = 0 ] || vm+=(--swap "$swap")
	if [ "$data" != 0 ]; then
		vm+=(--data "$data")
		ex+=(--file-dir /data)
	fi
	t0=$(date +%s.%N)
	# the VM kills qemu after $timeout s; this outer limit only guards the harness
	timeout -k 5 $((timeout + 60)) "$here/vm/run-in-vm.sh" "${vm[@]}" -- "$ovc" "${ex[@]}" "$name.ovc" \
		>"$d/$name.out" 2>"$d/$name.err.all" </dev/null
	rc=$?
	t1=$(date +%s.%N)
	rm -rf "$files"
	# stderr: the mirrored scenario (from its header line on), and the rest
	awk -v m="$d/$name.mirror.ovc" -v e="$d/$name.err" '
		/^# .* mirrored for the model by ovc exec --compare/ { inm = 1 }
		inm { print > m; if ($0 == "# end of the mirrored scenario") inm = 0; next }
		{ print > e }' "$d/$name.err.all"
	touch "$d/$name.err"
	rm -f "$d/$name.err.all"
	st=$(classify "$rc" "$d/$name.out")
	printf '%s\t%s\t%s\t%s\t%s\n' "$st" "$rc" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		"mem=$mem cpus=$cpus swap=$swap data=$data" "$(summary_line "$d/$name.out")" >"$d/$name.status"
}

# The fork-check probe's VM (conformance/README.md): one CPU, so that the
# kernel's per-CPU count is exact where the probe needs it; a swap disk,
# so that CommitLimit and GUESS's RAM + swap have a swap part.
probe_vm="mem=512M cpus=1 swap=64M data=0"
probe_timeout=60

# probe_attempt KERNEL: writes $out/KERNEL/forkcheck.{out,err,console,status}.
# The probe exits 0 when ovc agreed with every real fork, 1 when not.
probe_attempt() {
	local k=$1 name=forkcheck d=$out/$1 files t0 t1 rc st
	files=$out/.files/$k-$name
	mkdir -p "$files"
	cp "$ovc" "$files/ovc"
	t0=$(date +%s.%N)
	timeout -k 5 $((probe_timeout + 60)) "$here/vm/run-in-vm.sh" --kernel "$k" --mem 512M \
		--cpus 1 --swap 64M --timeout "$probe_timeout" --append "ovc.disposable=1 norandmaps" \
		--files "$files" --console "$d/$name.console" -- "$probe" /work/ovc \
		>"$d/$name.out" 2>"$d/$name.err" </dev/null
	rc=$?
	t1=$(date +%s.%N)
	rm -rf "$files"
	case $rc in
	0) st=match ;;
	1) st=mismatch ;;
	124) st=timeout ;;
	125) st=vm-failure ;;
	*) st=error ;;
	esac
	printf '%s\t%s\t%s\t%s\t%s\n' "$st" "$rc" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$probe_vm" \
		"$(grep -E '^forkprobe: [0-9]+ cases' "$d/$name.out" | tail -n1)" >"$d/$name.status"
}

# run_one KERNEL FILE: one attempt, and a second one when the guest failed
# to boot or panicked before the program ran (vm-failure: qemu under TCG
# now and then loses the timer at boot). The first console is kept, and
# the .err says so. A mismatch, an error or a timeout is never retried.
run_one() {
	local name d st attempt=run_attempt
	name=$(basename "$2" .ovc)
	d=$out/$1
	[ "$2" = forkcheck ] && attempt=probe_attempt
	$attempt "$@"
	if [ "$2" != forkcheck ] && [ "$(directive "$2" panic 0)" = 1 ]; then
		judge_panic "$@"
		return 0
	fi
	IFS=$'\t' read -r st _ <"$d/$name.status"
	[ "$st" = vm-failure ] || return 0
	mv "$d/$name.console" "$d/$name.console.1" 2>/dev/null
	$attempt "$@"
	echo "run.sh: the first boot failed (its console: $name.console.1); this is the second" \
		>>"$d/$name.err"
}

# A scenario whose OOM panics the kernel (vm.panic_on_oom; "# vm: panic=1")
# cannot report from the guest: the kernel is gone. It matches when the
# guest's console shows the OOM panic and the model, run here on the
# scenario itself (not mirrored: the guest could not measure itself),
# holds every expect line, `expect panic` among them.
judge_panic() {
	local k=$1 f=$2 name d st rc secs vmargs line
	name=$(basename "$f" .ovc)
	d=$out/$k
	IFS=$'\t' read -r st rc secs vmargs line <"$d/$name.status"
	if ! grep -q 'Kernel panic - not syncing: Out of memory' "$d/$name.console" 2>/dev/null; then
		st=mismatch line="the kernel did not panic at an OOM (the scenario says it does)"
	elif "$ovc" sim --quiet --kernel "$k" "$f" >"$d/$name.out" 2>>"$d/$name.err"; then
		st=match line="compare: kernel panicked at the OOM (console); model: every expect holds"
	else
		st=mismatch line="the kernel panicked at the OOM; the model's expect lines do not hold"
	fi
	printf '%s\t%s\t%s\t%s\t%s\n' "$st" "$rc" "$secs" "$vmargs" "$line" >"$d/$name.status"
}

# match, mismatch, expect-failed, error, timeout, vm-failure
classify() {
	local rc=$1 report=$2
	case $rc in
	0) grep -q '^compare: match' "$report" && echo match || echo error ;;
	124) echo timeout ;;
	125) echo vm-failure ;;
	*)
		if grep -qE '^compare: [0-9]+ steps, [0-9]+ differ' "$report"; then echo mismatch
		elif grep -q '^compare: match' "$report"; then echo expect-failed
		else echo error
		fi ;;
	esac
}

summary_line() {
	grep -E '^compare: ' "$1" | tail -n1
}

# --- all of them, JOBS at a time ------------------------------------------------
# On ^C or TERM, stop every VM of ours (run-in-vm.sh kills its qemu on TERM).
kill_tree() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do kill_tree "$c"; done
	kill -TERM "$1" 2>/dev/null
}
stop_all() {
	local j
	for j in $(jobs -p); do kill_tree "$j"; done
	echo "conformance: interrupted" >&2
	exit 130
}
trap stop_all INT TERM
for k in $kernels; do mkdir -p "$out/$k"; done
items=()
[ $forkcheck = 0 ] || items+=(forkcheck)
items+=("${scenarios[@]}")
running=0
for f in "${items[@]}"; do
	for k in $kernels; do
		if [ $running -ge "$jobs" ]; then
			wait -n
			running=$((running - 1))
		fi
		run_one "$k" "$f" &
		running=$((running + 1))
	done
done
wait
trap - INT TERM
rm -rf "$out/.files"

# --- the results ----------------------------------------------------------------
passed=0 failed=0 boots=0 boot_total=0
for f in "${items[@]}"; do
	name=$(basename "$f" .ovc)
	for k in $kernels; do
		sf=$out/$k/$name.status
		[ -s "$sf" ] || printf 'error\t?\t0\t?\tthe harness left no status\n' >"$sf"
		IFS=$'\t' read -r st rc secs vmargs line <"$sf"
		boots=$((boots + 1))
		boot_total=$(awk -v a="$boot_total" -v b="$secs" 'BEGIN { print a + b }')
		printf 'conformance: %-5s %-40s %-13s %5ss  %s\n' "$k" "$name" "$st" "$secs" "$line"
		# the probe's own lines: its margin and one line per case
		[ "$name" != forkcheck ] ||
			grep -E '^forkprobe: (ovc.s own|case|  note)' "$out/$k/$name.out" 2>/dev/null |
			sed 's/^forkprobe: /    | /'
		if [ "$st" = match ]; then
			passed=$((passed + 1))
			continue
		fi
		failed=$((failed + 1))
		case $st in
		timeout|vm-failure|error)
			sed 's/^/    | /' "$out/$k/$name.err"
			echo "    | console tail ($out/$k/$name.console):"
			tail -n 15 "$out/$k/$name.console" 2>/dev/null | sed 's/^/    | /' ;;
		*)
			echo "    | report: $out/$k/$name.out" ;;
		esac
	done
done
t_end=$(date +%s.%N)
wall=$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.0f", b - a }')
mean=$(awk -v a="$boot_total" -v n="$boots" 'BEGIN { printf "%.1f", n ? a / n : 0 }')
echo "conformance: $boots boots, mean ${mean}s each, $jobs at a time; ${wall}s in all"

if [ "$doc" = 1 ]; then
	KERNELS=$kernels OUT=$out WALL=$wall MEAN=$mean JOBS=$jobs FORKCHECK=$forkcheck \
		sh "$here/gen-doc.sh" "$top/docs/conformance.md" "${scenarios[@]}" \
		|| echo "run.sh: could not regenerate docs/conformance.md" >&2
fi
echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
