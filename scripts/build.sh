#!/usr/bin/env bash
# Builds ./cmd/rnnlab with the OpenBLAS backend (-tags openblas) when cgo is
# enabled and OpenBLAS is installed, and with the pure-Go gonum backend
# otherwise, and reports the choice on stderr. internal/kernel/doc.go
# describes the backends and how to install OpenBLAS.
#
# Usage:
#   scripts/build.sh [go build flags]   build ./cmd/rnnlab (./rnnlab unless -o is given)
#   scripts/build.sh --detect           print "openblas" or "gonum" and exit
#   scripts/build.sh --env              print export lines for CGO_CFLAGS and
#                                       CGO_LDFLAGS that find OpenBLAS; exit 1
#                                       if OpenBLAS is not found
#
# Environment:
#   RNNLAB_BACKEND  auto (default), gonum, or openblas. openblas sets the tag
#                   even when detection fails, for installations that the
#                   caller's own CGO_CFLAGS and CGO_LDFLAGS already locate.
#   GO              the go command (default: go)
#
# OpenBLAS is found through pkg-config (set PKG_CONFIG_PATH for a non-default
# prefix such as Homebrew's keg), or else by an OpenBLAS cblas.h and a
# libopenblas shared library in the usual directories or in `ldconfig -p`.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}

# Filled by detect_openblas.
found_how=""       # how OpenBLAS was found, for the report line
extra_cflags=""    # flags to add to CGO_CFLAGS
extra_ldflags=""   # flags to add to CGO_LDFLAGS
missing_reason=""  # why OpenBLAS cannot be used, when it cannot

multiarch() {
	if command -v gcc >/dev/null 2>&1; then
		gcc -print-multiarch 2>/dev/null || true
	fi
}

# is_default_dir DIR KIND reports whether the C compiler searches DIR
# without flags; KIND is include or lib.
is_default_dir() {
	local dir=${1%/} kind=$2 ma
	ma=$(multiarch)
	case $kind in
	include) for d in /usr/include /usr/local/include ${ma:+/usr/include/$ma}; do [ "$dir" = "$d" ] && return 0; done ;;
	lib) for d in /usr/lib /usr/lib64 /usr/local/lib ${ma:+/usr/lib/$ma /lib/$ma}; do [ "$dir" = "$d" ] && return 0; done ;;
	esac
	return 1
}

# add_lib_dir DIR adds -L DIR, and on Linux a run path, so that the binary
# loads the same library it was linked against.
add_lib_dir() {
	local dir=${1%/}
	is_default_dir "$dir" lib && return 0
	extra_ldflags+=" -L$dir"
	if [ "$(uname -s)" = Linux ]; then
		extra_ldflags+=" -Wl,-rpath,$dir"
	fi
}

# find_header prints the first directory whose cblas.h is OpenBLAS's own
# (it declares openblas_set_num_threads, which the backend calls).
find_header() {
	local ma dirs=() d
	ma=$(multiarch)
	dirs+=(/usr/include ${ma:+/usr/include/$ma} /usr/include/openblas /usr/local/include /usr/local/include/openblas)
	if command -v brew >/dev/null 2>&1; then
		dirs+=("$(brew --prefix openblas 2>/dev/null)/include")
	fi
	dirs+=(/opt/homebrew/opt/openblas/include /usr/local/opt/openblas/include)
	for d in "${dirs[@]}"; do
		if [ -f "$d/cblas.h" ] && grep -q openblas_set_num_threads "$d/cblas.h"; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

# find_library prints the directory of a linkable libopenblas.
find_library() {
	local ma dirs=() d path
	if command -v ldconfig >/dev/null 2>&1 || [ -x /sbin/ldconfig ]; then
		path=$( (ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null) |
			awk '$1 == "libopenblas.so" { print $NF; exit }')
		if [ -n "$path" ]; then
			dirname "$path"
			return 0
		fi
	fi
	ma=$(multiarch)
	dirs+=(/usr/lib ${ma:+/usr/lib/$ma} /usr/lib64 /usr/local/lib)
	if command -v brew >/dev/null 2>&1; then
		dirs+=("$(brew --prefix openblas 2>/dev/null)/lib")
	fi
	dirs+=(/opt/homebrew/opt/openblas/lib /usr/local/opt/openblas/lib)
	for d in "${dirs[@]}"; do
		if [ -e "$d/libopenblas.so" ] || [ -e "$d/libopenblas.dylib" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

detect_openblas() {
	local cc
	if [ "$("$GO" env CGO_ENABLED)" != 1 ]; then
		missing_reason="cgo is disabled (CGO_ENABLED=0)"
		return 1
	fi
	cc=$("$GO" env CC)
	cc=${cc%% *}
	if ! command -v "$cc" >/dev/null 2>&1; then
		missing_reason="no C compiler ($cc) for cgo"
		return 1
	fi

	if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists openblas; then
		local flag
		found_how="pkg-config openblas $(pkg-config --modversion openblas)"
		extra_cflags=$(pkg-config --cflags-only-I openblas)
		for flag in $(pkg-config --libs-only-L openblas); do
			add_lib_dir "${flag#-L}"
		done
		return 0
	fi

	local header lib
	if ! header=$(find_header); then
		missing_reason="no OpenBLAS cblas.h found (Debian/Ubuntu: apt-get install libopenblas-dev)"
		return 1
	fi
	if ! lib=$(find_library); then
		missing_reason="no libopenblas shared library found (Debian/Ubuntu: apt-get install libopenblas-dev)"
		return 1
	fi
	found_how="$header/cblas.h and $lib"
	if ! is_default_dir "$header" include; then
		extra_cflags="-I$header"
	fi
	add_lib_dir "$lib"
	return 0
}

# export_cgo_flags appends the detected flags to CGO_CFLAGS and CGO_LDFLAGS,
# starting from go env's values so that Go's defaults (-O2 -g) are kept.
export_cgo_flags() {
	local cflags ldflags
	# Unquoted expansion collapses the runs of spaces that pkg-config and
	# add_lib_dir leave.
	cflags=$(echo $extra_cflags)
	ldflags=$(echo $extra_ldflags)
	CGO_CFLAGS="$("$GO" env CGO_CFLAGS)${cflags:+ $cflags}"
	CGO_LDFLAGS="$("$GO" env CGO_LDFLAGS)${ldflags:+ $ldflags}"
	export CGO_CFLAGS CGO_LDFLAGS
}

case ${1:-} in
--detect)
	if detect_openblas; then
		echo "build.sh: found $found_how" >&2
		echo openblas
	else
		echo "build.sh: OpenBLAS is not usable: $missing_reason" >&2
		echo gonum
	fi
	exit 0
	;;
--env)
	if ! detect_openblas; then
		echo "build.sh: OpenBLAS is not usable: $missing_reason" >&2
		exit 1
	fi
	export_cgo_flags
	printf 'export CGO_CFLAGS=%q\n' "$CGO_CFLAGS"
	printf 'export CGO_LDFLAGS=%q\n' "$CGO_LDFLAGS"
	exit 0
	;;
esac

backend=${RNNLAB_BACKEND:-auto}
case $backend in
auto)
	if detect_openblas; then
		backend=openblas
		echo "build.sh: backend openblas (found $found_how)" >&2
	else
		backend=gonum
		echo "build.sh: backend gonum, pure Go: $missing_reason" >&2
	fi
	;;
openblas)
	if detect_openblas; then
		echo "build.sh: backend openblas, set by RNNLAB_BACKEND (found $found_how)" >&2
	else
		echo "build.sh: backend openblas, set by RNNLAB_BACKEND, although detection failed: $missing_reason" >&2
	fi
	;;
gonum)
	echo "build.sh: backend gonum, pure Go, set by RNNLAB_BACKEND" >&2
	;;
*)
	echo "build.sh: invalid RNNLAB_BACKEND=$backend; expected auto, gonum or openblas" >&2
	exit 2
	;;
esac

args=("$@")
if [ "$backend" = openblas ]; then
	export_cgo_flags
	# Merge the tag into a -tags flag the caller passed, since go build
	# keeps only the last one.
	merged=false
	for i in "${!args[@]}"; do
		case ${args[$i]} in
		-tags | --tags)
			if [ $((i + 1)) -lt ${#args[@]} ]; then
				value=${args[i+1]}
				args[i+1]="${value:+$value,}openblas"
				merged=true
			fi
			;;
		-tags=* | --tags=*)
			value=${args[i]#*=}
			args[i]="${args[i]%%=*}=${value:+$value,}openblas"
			merged=true
			;;
		esac
	done
	if [ "$merged" = false ]; then
		args=(-tags openblas "${args[@]}")
	fi
fi

exec "$GO" build "${args[@]}" ./cmd/rnnlab
