#!/bin/sh
# make demo: run the bundled demo program under a 2019-era seccomp filter,
# once as it is and once with enostub preloaded. Fails unless the first run
# shows the breakage and the second shows it fixed.
#   run-demo.sh LIBENOSTUB DEMO FILTER
set -u
lib=$(realpath "$1") demo=$2 filter=$3

echo "== A program built against glibc $(ldd --version | sed -n '1s/.* //p') installs a 2019 filter:"
echo "   $filter (Docker's v19.03 default profile: deny by default with EPERM)"
echo
echo "-- without enostub"
"$demo" "$filter" 2>&1
without=$?
echo
echo "-- with enostub: LD_PRELOAD=$lib ENOSTUB_LOG=stderr"
out=$(LD_PRELOAD=$lib ENOSTUB_LOG=stderr "$demo" "$filter" 2>&1)
with=$?
printf '%s\n' "$out" | fold -s -w 100
echo
if [ "$without" = 1 ] && [ "$with" = 0 ]; then
	echo "== demo ok: EPERM without enostub; with it, new syscalls get ENOSYS and glibc falls back."
	exit 0
fi
echo "== demo FAILED: exit status $without without enostub (want 1), $with with it (want 0)"
exit 1
