#!/bin/sh
# SPDX-License-Identifier: MIT
# check-deb.sh DEB_DIR HELPER: check the package `make deb` built.
#
#  1. lintian: no error and no warning (debian/enostub.lintian-overrides
#     gives each override its reason), no hardening tag even at info level;
#     the stack protector (which lintian does not check) by its symbol,
#     RELRO, and BIND_NOW for the command but not the library.
#  2. the name (debian/changelog's version, dpkg's architecture), the
#     dependencies, and exactly the files the package holds.
#  3. the package installed for real, `dpkg -i`, in a private mount
#     namespace where /usr, /etc and /var are overlays on scratch
#     directories (the machine's own files are never written; the check
#     proves the overlays before dpkg runs): the postinst warns about a
#     bad /etc/enostub.conf and leaves /etc/ld.so.preload alone; the
#     installed enostub runs the helper with the installed library;
#     enable-system with the library's built-in path makes a new process
#     patched and compiles the configuration's snapshot; installing the
#     package again keeps it so and recompiles the snapshot (postinst);
#     `dpkg -P` takes the line out (prerm), restoring the file byte for
#     byte, removes the library and the snapshot (postrm), and keeps
#     /etc/enostub.conf.
#     Needs root; skipped with the reason otherwise.
set -eu

dir=$1
helper=$2
version=$(dpkg-parsechangelog -S Version)
arch=$(dpkg --print-architecture)
triplet=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
deb=$dir/enostub_${version}_${arch}.deb
changes=$dir/enostub_${version}_${arch}.changes
fail() { echo "deb-check: $*" >&2; exit 1; }

[ -f "$deb" ] || fail "no $deb (make deb)"

# ---- 1. lintian and hardening ---------------------------------------------
rc=0
out=$(lintian --fail-on error,warning -I --pedantic "$changes" 2>&1) || rc=$?
out=$(printf '%s\n' "$out" | grep -v 'running with root privileges is not recommended' || true)
[ "$rc" = 0 ] || fail "lintian (status $rc):
$out"
case $out in
*hardening-*) fail "lintian: $out" ;;
esac
[ -z "$out" ] || echo "deb-check: lintian (info and pedantic tags, not failures):
$out"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
dpkg-deb -x "$deb" "$scratch/x"
for f in usr/bin/enostub "usr/lib/$triplet/libenostub.so"; do
	readelf --dyn-syms -W "$scratch/x/$f" | grep -q ' __stack_chk_fail' ||
		fail "$f: no stack protector"
	readelf -lW "$scratch/x/$f" | grep -q GNU_RELRO || fail "$f: no RELRO"
done
# the override's reason: the library binds lazily, the command at load
readelf -dW "$scratch/x/usr/lib/$triplet/libenostub.so" | grep -q BIND_NOW &&
	fail "libenostub.so: BIND_NOW (the Makefile's LIB_LDFLAGS links it lazily)"
readelf -dW "$scratch/x/usr/bin/enostub" | grep -q BIND_NOW || fail "enostub: no BIND_NOW"

# ---- 2. name, dependencies, files -----------------------------------------
deps=$(dpkg-deb -f "$deb" Depends)
case $deps in
*libconfig9*libc6*) ;;
*) fail "Depends: $deps (libconfig, which enostub dlopen()s, and libc)" ;;
esac
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sort > "$scratch/files"
sort > "$scratch/want" <<EOF
./usr/bin/enostub
./usr/lib/$triplet/libenostub.so
./usr/share/doc/enostub/README.md.gz
./usr/share/doc/enostub/changelog.gz
./usr/share/doc/enostub/copyright
./usr/share/doc/enostub/enostub.conf
./usr/share/doc/enostub/examples/distro-wide.conf
./usr/share/doc/enostub/examples/enostub-runtime
./usr/share/doc/enostub/examples/legacy-app-dry-run.conf
./usr/share/lintian/overrides/enostub
./usr/share/man/man1/enostub.1.gz
./usr/share/man/man5/enostub.conf.5.gz
EOF
diff -u "$scratch/want" "$scratch/files" || fail "the package's files differ (- expected, + found)"
for m in "$scratch"/x/usr/share/man/man*/*; do
	w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
	[ -z "$w" ] || fail "$m: $w"
done
echo "deb-check: $deb: lintian clean, hardened, $(wc -l < "$scratch/files") files as expected"

# ---- 3. installed for real, in overlays ------------------------------------
if [ "$(id -u)" != 0 ]; then
	echo "deb-check: skipped the installation: needs root (mount namespace, overlays)"
	exit 0
fi
cat > "$scratch/inside.sh" <<'EOF'
set -eu
scratch=$1 deb=$2 helper=$3 lib=$4 version=$5
fail() { echo "deb-check (installed): $*" >&2; exit 1; }
for d in usr etc var; do
	mkdir "$scratch/$d-up" "$scratch/$d-work"
	mount -t overlay overlay \
	  -o "lowerdir=/$d,upperdir=$scratch/$d-up,workdir=$scratch/$d-work" "/$d"
	# every write must land in the scratch directory
	touch "/$d/.enostub-deb-check"
	[ -e "$scratch/$d-up/.enostub-deb-check" ] || fail "/$d is not the overlay"
	rm "/$d/.enostub-deb-check"
done
# an administrator's list, and a configuration with an error
printf '# site preloads\n' > /etc/ld.so.preload
cp -p /etc/ld.so.preload "$scratch/preload.orig"
echo 'mode = "fast";' > /etc/enostub.conf

dpkg -i "$deb" > "$scratch/dpkg-i.log" 2>&1 || { cat "$scratch/dpkg-i.log"; fail "dpkg -i"; }
grep -q '^enostub: /etc/enostub.conf:1: mode: "fast" is not one of' "$scratch/dpkg-i.log" &&
grep -q '^enostub: /etc/enostub.conf has the error above' "$scratch/dpkg-i.log" ||
	fail "postinst did not warn about the configuration: $(cat "$scratch/dpkg-i.log")"
[ ! -e /etc/enostub.conf.snap ] || fail "postinst compiled a configuration with an error"
echo 'mode = "patch";' > /etc/enostub.conf
[ "$(command -v enostub)" = /usr/bin/enostub ] || fail "enostub is not /usr/bin/enostub"
[ "$(enostub --version)" = "enostub $version" ] || fail "enostub --version: $(enostub --version)"
cmp -s /etc/ld.so.preload "$scratch/preload.orig" || fail "installing changed /etc/ld.so.preload"
"$helper" prctl:builtin:old close_range | grep -qx close_range=EPERM ||
	fail "the helper is patched without enostub"
enostub run -- "$helper" prctl:builtin:old close_range | grep -qx close_range=ENOSYS ||
	fail "enostub run did not preload $lib"
man -w enostub.conf > /dev/null || fail "man cannot find enostub.conf(5)"

enostub enable-system > "$scratch/enable.log" 2>&1 || { cat "$scratch/enable.log"; fail "enable-system"; }
grep -qx "/etc/ld.so.preload: added $lib: every program started from now on loads it" \
	"$scratch/enable.log" || fail "enable-system: $(cat "$scratch/enable.log")"
"$helper" prctl:builtin:old close_range | grep -qx close_range=ENOSYS ||
	fail "a new process is not patched after enable-system"
enostub check-config /etc/enostub.conf | grep -q '^snapshot /etc/enostub.conf.snap: fresh' ||
	fail "enable-system did not compile the snapshot"
# an upgrade (the same package again) leaves it enabled and recompiles
cp /etc/ld.so.preload "$scratch/preload.enabled"
rm /etc/enostub.conf.snap
dpkg -i "$deb" > "$scratch/dpkg-i.log" 2>&1 || { cat "$scratch/dpkg-i.log"; fail "dpkg -i again"; }
cmp -s /etc/ld.so.preload "$scratch/preload.enabled" || fail "an upgrade changed /etc/ld.so.preload"
enostub check-config /etc/enostub.conf | grep -q '^snapshot /etc/enostub.conf.snap: fresh' ||
	fail "the postinst did not compile the snapshot"
"$helper" prctl:builtin:old close_range | grep -qx close_range=ENOSYS ||
	fail "a new process is not patched after an upgrade"

dpkg -P enostub > "$scratch/dpkg-r.log" 2>&1 || { cat "$scratch/dpkg-r.log"; fail "dpkg -P"; }
grep -q "put back as it was before enable-system" "$scratch/dpkg-r.log" ||
	fail "prerm: $(cat "$scratch/dpkg-r.log")"
cmp -s /etc/ld.so.preload "$scratch/preload.orig" || fail "dpkg -P left /etc/ld.so.preload changed"
[ ! -e /etc/ld.so.preload.enostub-backup ] || fail "the backup is left after dpkg -P"
[ ! -e "$lib" ] && [ ! -e /usr/bin/enostub ] || fail "dpkg -P left files"
[ ! -e /etc/enostub.conf.snap ] || fail "dpkg -P left the snapshot"
[ -e /etc/enostub.conf ] || fail "dpkg -P removed the administrator's /etc/enostub.conf"
"$helper" prctl:builtin:old close_range 2>&1 | grep -qx close_range=EPERM ||
	fail "a new process still gets the library after dpkg -P"
EOF
unshare -m --propagation private sh "$scratch/inside.sh" "$scratch" "$(realpath "$deb")" \
	"$helper" "/usr/lib/$triplet/libenostub.so" "$version" ||
	fail "the installed package failed (above)"
echo "deb-check: installed with dpkg -i (overlays): postinst warns, enostub run, enable-system," \
     "upgrade keeps it and recompiles the snapshot, dpkg -P restores /etc/ld.so.preload: ok"
