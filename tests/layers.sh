#!/bin/sh
# The layers of shim/ and the only includes allowed between them: a file
# may include its own folder's headers and those of the layers below.
#   core    (pure)     nothing
#   config             core
#   preload, cli       core, config      (never each other)
# Prints every include that runs upwards or sideways; exits 1 if any.
cd "$(dirname "$0")/../shim" || exit 1
allowed() {
	case $1 in
	core) echo "" ;;
	config) echo "core" ;;
	preload | cli) echo "core config" ;;
	*) return 1 ;;
	esac
}
bad=0
tmp=$(mktemp) || exit 1
for dir in */; do
	dir=${dir%/}
	[ "$dir" = gen ] && continue
	ok=$(allowed "$dir") || { echo "layers: unknown folder shim/$dir"; bad=1; continue; }
	for f in "$dir"/*.[ch]; do
		# quoted includes: "x.h" is the file's own folder, "layer/x.h" another
		grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
		sed 's/^\([0-9]*\):.*"\(.*\)".*/\1 \2/' |
		while read -r line inc; do
			case $inc in
			*/*) layer=${inc%%/*} ;;
			*) [ -f "$dir/$inc" ] && continue
			   echo "shim/$f:$line: \"$inc\" is not in shim/$dir"; echo x; continue ;;
			esac
			case " $ok " in
			*" $layer "*) [ -f "$inc" ] && continue
				echo "shim/$f:$line: \"$inc\" does not exist"; echo x ;;
			*) echo "shim/$f:$line: $dir may not include $inc"; echo x ;;
			esac
		done
	done
done > "$tmp"
grep -v "^x$" "$tmp"
grep -qx x "$tmp" && bad=1
rm -f "$tmp"
[ $bad = 0 ] && echo "layers: every include in shim/ runs downwards (core <- config <- preload, cli)"
exit $bad
