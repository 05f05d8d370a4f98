#!/bin/sh
# packaging/make-deb.sh O - `make deb`: build the Debian package with
# debhelper (dpkg-buildpackage -us -uc -b) in a copy of the tree under
# $O/deb (the checkout stays clean, parallel builds do not collide), then
# run lintian on it.  The .deb ends up in $O/deb/.  Exit 1 on a build
# failure or a lintian error (warnings are printed, not fatal).
set -eu
O=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
for c in dpkg-buildpackage dh; do
	if ! command -v "$c" >/dev/null 2>&1; then
		echo "make deb: $c missing: apt-get install dpkg-dev debhelper" >&2
		exit 1
	fi
done
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
out=$top/$O/deb
src=$out/msgsec-$version
rm -rf "$out"
mkdir -p "$src"
# The tree as it is (committed or not), without builds and state.
tar --exclude=./build --exclude=./.git --exclude=./state -cf - . | tar -xf - -C "$src"
log=$out/build.log
# The copy goes once built: folders in it named *.d (logrotate.d,
# tmpfiles.d) and its own dependency files would be read by the
# Makefile's "-include" of every *.d under $O.
if ! (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log" 2>&1; then
	rm -rf "$src"
	tail -n 40 "$log" >&2
	echo "make deb: dpkg-buildpackage failed (log: $log)" >&2
	exit 1
fi
rm -rf "$src"
ls "$out"/*.deb
if command -v lintian >/dev/null 2>&1; then
	lintian --fail-on error "$out"/msgsec_"$version"_*.changes | tee "$out/lintian.log" ||
		{ echo "make deb: lintian reports errors" >&2; exit 1; }
	echo "lintian: $(grep -c '^E:' "$out/lintian.log") errors, $(grep -c '^W:' "$out/lintian.log") warnings"
else
	echo "make deb: lintian not installed, not checked"
fi
