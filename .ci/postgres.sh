#!/usr/bin/env bash
# postgres.sh — start and stop a throwaway PostgreSQL cluster for sportello's tests.
#
# Usage:
#
#   eval "$(.ci/postgres.sh start)"        # or: source <(.ci/postgres.sh start)
#   go test ./...                          # PostgreSQL tests now run
#   .ci/postgres.sh stop "$SPORTELLO_PG_DIR"
#
#   .ci/postgres.sh status [DIR]           # exit 0 if the cluster in DIR is running
#
# `start` prints two export lines on stdout, and nothing else (progress goes to stderr):
#
#   export SPORTELLO_PG_URL='postgres://postgres@127.0.0.1:PORT/sportello?sslmode=disable'
#   export SPORTELLO_PG_DIR='/tmp/sportello-pg.XXXXXX'
#
# Prefer `eval "$(...)"` in scripts that use `set -e`: a failing `start` then stops the script,
# which `source <(...)` does not. The same lines are kept in "$SPORTELLO_PG_DIR/env".
#
# What `start` does:
#   - uses the newest /usr/lib/postgresql/*/bin (Debian's layout); when there is none and we
#     are root, installs the `postgresql` package with apt-get;
#   - creates a private directory with mktemp -d holding the data directory, the Unix socket
#     and the server log; when run as root, the directory belongs to the `postgres` user
#     (created as a system user if missing) and every server command runs as that user,
#     because PostgreSQL refuses to run as root;
#   - runs initdb with trust authentication for the `postgres` role (a throwaway cluster that
#     listens on 127.0.0.1 only), picks a free TCP port starting at 55432 (override with
#     SPORTELLO_PG_PORT), starts the server with durability switched off for speed, waits
#     until it accepts connections, and creates the database `sportello`.
#
# `start` is idempotent: when SPORTELLO_PG_DIR names a cluster started by this script that is
# still running, it prints that cluster's lines again instead of starting another.
# `stop DIR` stops the server (fast, then immediate, then SIGKILL as last resort) and removes
# DIR; it refuses to delete a directory this script did not create, and succeeds when the
# cluster is already gone. Without DIR it uses $SPORTELLO_PG_DIR.
set -euo pipefail

readonly MARKER=sportello-pg.marker
readonly DB_NAME=sportello
readonly FIRST_PORT=55432

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit 1
}

is_root() { [[ ${EUID:-$(id -u)} -eq 0 ]]; }

# find_bindir prints the newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl.
find_bindir() {
	local d best='' best_ver=-1 ver
	for d in /usr/lib/postgresql/*/bin; do
		[[ -x $d/initdb && -x $d/pg_ctl && -x $d/postgres ]] || continue
		ver=${d#/usr/lib/postgresql/}
		ver=${ver%/bin}
		ver=${ver%%.*}
		[[ $ver =~ ^[0-9]+$ ]] || continue
		if ((ver > best_ver)); then
			best=$d
			best_ver=$ver
		fi
	done
	[[ -n $best ]] || return 1
	printf '%s\n' "$best"
}

install_postgres() {
	is_root || die "PostgreSQL is not installed under /usr/lib/postgresql and we are not root: install the 'postgresql' package first"
	command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available"
	log "installing the postgresql package with apt-get (this takes a minute)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
}

ensure_postgres_user() {
	is_root || return 0
	if ! getent passwd postgres >/dev/null 2>&1; then
		log "creating the system user postgres"
		useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres ||
			adduser --system --group --home /var/lib/postgresql --shell /bin/sh postgres >&2 ||
			die "cannot create the postgres user"
	fi
}

# as_pg runs a command as the postgres user when we are root, as ourselves otherwise, from a
# directory that user can read, with its stdout sent to our stderr.
as_pg() {
	local dir=$1
	shift
	if is_root; then
		if command -v runuser >/dev/null 2>&1; then
			(cd "$dir" && HOME=$dir runuser -u postgres -- "$@") >&2
		else
			(cd "$dir" && HOME=$dir su postgres -s /bin/bash -c "$(printf '%q ' "$@")") >&2
		fi
	else
		(cd "$dir" && HOME=$dir "$@") >&2
	fi
}

# make_dir creates the private cluster directory and prints it. Unix socket paths are limited
# to about 100 bytes, and the postgres user must be able to reach the directory, so it falls
# back to /tmp when $TMPDIR is unsuitable.
make_dir() {
	local base=${TMPDIR:-/tmp} dir
	if ((${#base} > 60)) || [[ ! -d $base || $base == *[[:space:]]* ]]; then
		base=/tmp
	fi
	dir=$(mktemp -d "$base/sportello-pg.XXXXXX")
	if is_root; then
		chown postgres:postgres "$dir"
		chmod 0700 "$dir"
		if ! as_pg "$dir" test -w "$dir" 2>/dev/null; then
			rmdir "$dir"
			[[ $base != /tmp ]] || die "the postgres user cannot write to a directory made in /tmp"
			dir=$(mktemp -d /tmp/sportello-pg.XXXXXX)
			chown postgres:postgres "$dir"
			chmod 0700 "$dir"
		fi
	fi
	: >"$dir/$MARKER"
	printf '%s\n' "$dir"
}

port_in_use() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port prints the first port at or above $1 on which nothing accepts connections.
free_port() {
	local p=$1
	while ((p < 65535)); do
		if ! port_in_use "$p"; then
			printf '%s\n' "$p"
			return 0
		fi
		p=$((p + 1))
	done
	return 1
}

# shquote prints its argument in single quotes, for the shell that evaluates our output.
shquote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

print_env() {
	local dir=$1 url=$2
	printf 'export SPORTELLO_PG_URL=%s\n' "$(shquote "$url")"
	printf 'export SPORTELLO_PG_DIR=%s\n' "$(shquote "$dir")"
}

is_running() {
	local dir=$1 bindir
	[[ -f $dir/$MARKER && -f $dir/data/PG_VERSION ]] || return 1
	bindir=$(cat "$dir/bindir" 2>/dev/null) || return 1
	as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

cmd_start() {
	# Idempotence: reuse the cluster named by the environment when it is still up.
	if [[ -n ${SPORTELLO_PG_DIR:-} && -f ${SPORTELLO_PG_DIR}/env ]] && is_running "$SPORTELLO_PG_DIR"; then
		log "reusing the running cluster in $SPORTELLO_PG_DIR"
		cat "$SPORTELLO_PG_DIR/env"
		return 0
	fi

	local bindir
	if ! bindir=$(find_bindir); then
		install_postgres
		bindir=$(find_bindir) || die "no PostgreSQL binaries under /usr/lib/postgresql/*/bin after installing"
	fi
	log "using $bindir"
	ensure_postgres_user

	local dir
	dir=$(make_dir)
	printf '%s\n' "$bindir" >"$dir/bindir"
	# From here on, a failure removes what we made.
	# shellcheck disable=SC2064 # expand $dir now
	trap "rc=\$?; if ((rc != 0)); then log 'start failed: cleaning up'; cmd_stop $(printf '%q' "$dir") >/dev/null 2>&1 || true; fi" EXIT

	log "initdb in $dir/data"
	if ! as_pg "$dir" "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
		2>"$dir/initdb.log"; then
		cat "$dir/initdb.log" >&2 || true
		die "initdb failed"
	fi

	local port=${SPORTELLO_PG_PORT:-$FIRST_PORT} attempt started=0
	for attempt in 1 2 3 4 5 6 7 8 9 10; do
		port=$(free_port "$port") || die "no free TCP port on 127.0.0.1"
		log "starting the server on 127.0.0.1:$port (attempt $attempt)"
		if as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start -o \
			"-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c dynamic_shared_memory_type=mmap"; then
			started=1
			break
		fi
		# Most likely another process took the port between the probe and the bind.
		as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
		port=$((port + 1))
	done
	if ((started == 0)); then
		tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
		die "the server did not start"
	fi

	local i ready=0
	for ((i = 0; i < 120; i++)); do
		if as_pg "$dir" "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
			ready=1
			break
		fi
		sleep 0.5
	done
	if ((ready == 0)); then
		tail -n 30 "$dir/server.log" >&2 2>/dev/null || true
		die "the server does not accept connections"
	fi

	as_pg "$dir" "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres \
		-c "CREATE DATABASE $DB_NAME" || die "cannot create database $DB_NAME"

	local url="postgres://postgres@127.0.0.1:$port/$DB_NAME?sslmode=disable"
	print_env "$dir" "$url" >"$dir/env"
	chmod 0644 "$dir/env"
	trap - EXIT
	log "ready: $url (data in $dir; stop with: .ci/postgres.sh stop $dir)"
	cat "$dir/env"
}

cmd_stop() {
	local dir=${1:-${SPORTELLO_PG_DIR:-}}
	[[ -n $dir ]] || die "usage: postgres.sh stop DIR (or set SPORTELLO_PG_DIR)"
	if [[ ! -e $dir ]]; then
		log "$dir does not exist: nothing to stop"
		return 0
	fi
	[[ -f $dir/$MARKER ]] || die "$dir was not made by postgres.sh (no $MARKER): refusing to remove it"

	local bindir=''
	bindir=$(cat "$dir/bindir" 2>/dev/null) || bindir=$(find_bindir) || bindir=''
	if [[ -f $dir/data/postmaster.pid ]]; then
		local pid
		pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
		if [[ -n $bindir ]]; then
			log "stopping the server in $dir"
			as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
				as_pg "$dir" "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 ||
				true
		fi
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
			[[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *"$dir/data"* ]]; then
			log "the server (pid $pid) is still running: killing it"
			kill -KILL "$pid" 2>/dev/null || true
			local i
			for ((i = 0; i < 50; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
	fi
	rm -rf -- "$dir"
	log "removed $dir"
}

cmd_status() {
	local dir=${1:-${SPORTELLO_PG_DIR:-}}
	[[ -n $dir ]] || die "usage: postgres.sh status DIR (or set SPORTELLO_PG_DIR)"
	if is_running "$dir"; then
		log "running: $(grep SPORTELLO_PG_URL "$dir/env" 2>/dev/null || echo "$dir")"
		return 0
	fi
	log "not running: $dir"
	return 1
}

main() {
	local cmd=${1:-}
	shift || true
	case $cmd in
	start) cmd_start "$@" ;;
	stop) cmd_stop "$@" ;;
	status) cmd_status "$@" ;;
	*)
		cat >&2 <<'EOF'
usage: eval "$(.ci/postgres.sh start)"
       .ci/postgres.sh stop [DIR]
       .ci/postgres.sh status [DIR]
EOF
		exit 2
		;;
	esac
}

main "$@"
