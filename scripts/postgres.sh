#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for tests and benchmarks.
#
#   bash scripts/postgres.sh start DIR         initdb in DIR (created if missing) unless done already,
#                                               start the server unless running, make the database
#                                               cimi_test, print its URL (one line on stdout)
#   bash scripts/postgres.sh stop DIR          stop the server (fast); a stopped cluster is fine;
#                                               DIR is left in place (the caller deletes it)
#   bash scripts/postgres.sh url DIR           print the URL again
#   bash scripts/postgres.sh url DIR --socket  print the URL through the Unix socket instead
#
# The URL reads postgresql://cimi@127.0.0.1:PORT/cimi_test (tokio-postgres and libpq syntax);
# the --socket one reads postgresql://cimi@%2Fpath%2Fto%2Fsocketdir:PORT/cimi_test. The superuser
# is cimi, authentication is trust, and the server listens on 127.0.0.1 and on a Unix socket
# only. PORT is the first free one from 54329 upward, chosen at the first start and kept by
# every restart. Everything but the URL goes to stderr.
#
# Settings: max_connections=100, shared_buffers=128MB, log_min_messages=warning, fsync left on
# (benchmarks measure real commits), locale C, encoding UTF8.
#
# DIR holds data/ (the cluster; the settings are in data/cimi.conf, rewritten at each start),
# server.log, initdb.log, pg_ctl.err, port, socket_dir (where the socket is: DIR/socket, or a
# short directory under /tmp when DIR is too long for the 107-byte limit on socket paths or has
# characters that would need quoting; that one is removed by stop) and .lock.
#
# initdb and postgres refuse to run as root: as root, the cluster belongs to the system user
# cimi-pg (created if missing; directories above DIR it cannot traverse get search permission
# for it) and the server tools run through runuser (su if there is none). Server binaries: the
# highest /usr/lib/postgresql/<version>/bin (Debian's layout), or $CIMI_PG_BINDIR; when there
# are none, Debian's postgresql package is installed (its own cluster, if it starts one, is
# never used).
set -Eeuo pipefail

readonly PG_OS_USER_NAME=cimi-pg
readonly DB_USER=cimi
readonly DB_NAME=cimi_test
readonly FIRST_PORT=54329
readonly LAST_PORT=54599
readonly WAIT_SECONDS=30

me=postgres.sh
log() { printf '%s: %s\n' "$me" "$*" >&2; }

LOGFILE=
NEW_SOCKDIR=  # a directory under /tmp made by this run, removed if the run fails
die() {
    log "error: $*"
    [ -z "$NEW_SOCKDIR" ] || rmdir "$NEW_SOCKDIR" 2>/dev/null || true
    if [ -n "$LOGFILE" ] && [ -s "$LOGFILE" ]; then
        log "last lines of $LOGFILE:"
        tail -n 30 "$LOGFILE" | sed 's/^/    /' >&2
    fi
    exit 1
}
trap 'rc=$?; log "error: command failed (exit $rc) at line $LINENO: $BASH_COMMAND"; exit $rc' ERR

usage() {
    sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# ---------------------------------------------------------------------------------------------
# Who runs the server

PG_OS_USER=   # empty: the current user runs everything
if [ "$(id -u)" -eq 0 ]; then
    PG_OS_USER=$PG_OS_USER_NAME
fi

ensure_os_user() {
    [ -n "$PG_OS_USER" ] || return 0
    id -u "$PG_OS_USER" >/dev/null 2>&1 && return 0
    log "creating the system user $PG_OS_USER (initdb and postgres refuse to run as root)"
    local nologin=/usr/sbin/nologin
    [ -x "$nologin" ] || nologin=/bin/false
    if command -v useradd >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell "$nologin" "$PG_OS_USER" >&2 || true
    elif command -v adduser >/dev/null 2>&1; then
        adduser --system --group --no-create-home --home /nonexistent \
            --shell "$nologin" "$PG_OS_USER" >&2 || true
    fi
    # Another start running at the same time may have created it first.
    id -u "$PG_OS_USER" >/dev/null 2>&1 || die "could not create the system user $PG_OS_USER"
}

# as_pg CMD ARGS...: run a command as the cluster's owner (from /, which that user can read).
# File descriptor 9 (the lock on DIR) is closed: a server started here must not inherit it.
as_pg() {
    if [ -z "$PG_OS_USER" ]; then
        "$@" 9>&-
    elif command -v runuser >/dev/null 2>&1 && [ -z "${CIMI_PG_USE_SU:-}" ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@" 9>&-)
    else
        (cd / && su -s /bin/sh -c 'exec "$0" "$@"' -- "$PG_OS_USER" "$@" 9>&-)
    fi
}

# Gives the cluster's owner a way down to DIR: each ancestor it cannot traverse gets search
# permission for it (an ACL when setfacl exists, o+x otherwise; never read permission).
ensure_traversable() {
    local dir=$1
    [ -n "$PG_OS_USER" ] || return 0
    as_pg test -x "$dir" -a -r "$dir" && return 0
    local path="" part parts
    IFS=/ read -r -a parts <<<"${dir#/}"
    for part in "${parts[@]}"; do
        path="$path/$part"
        if ! as_pg test -x "$path"; then
            log "giving $PG_OS_USER search permission on $path"
            if command -v setfacl >/dev/null 2>&1; then
                setfacl -m "u:$PG_OS_USER:x" "$path" || chmod o+x "$path"
            else
                chmod o+x "$path"
            fi
        fi
    done
    as_pg test -x "$dir" -a -r "$dir" || die "$PG_OS_USER cannot reach $dir"
}

# ---------------------------------------------------------------------------------------------
# Binaries

BINDIR=
has_server_bins() {
    [ -x "$1/initdb" ] && [ -x "$1/pg_ctl" ] && [ -x "$1/postgres" ]
}

# find_bindir [MAJOR]: MAJOR is the cluster's version (data/PG_VERSION) when it exists.
find_bindir() {
    local want=${1:-} d
    if [ -n "${CIMI_PG_BINDIR:-}" ]; then
        has_server_bins "$CIMI_PG_BINDIR" || die "CIMI_PG_BINDIR=$CIMI_PG_BINDIR lacks initdb, pg_ctl or postgres"
        BINDIR=$CIMI_PG_BINDIR
        return 0
    fi
    if [ -n "$want" ]; then
        if has_server_bins "/usr/lib/postgresql/$want/bin"; then
            BINDIR=/usr/lib/postgresql/$want/bin
            return 0
        fi
        die "the cluster was made by PostgreSQL $want, whose server binaries are not in /usr/lib/postgresql/$want/bin"
    fi
    for d in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -t/ -k5,5 -V -r); do
        if has_server_bins "$d"; then
            BINDIR=$d
            return 0
        fi
    done
    if command -v pg_config >/dev/null 2>&1; then
        d=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$d" ] && has_server_bins "$d"; then
            BINDIR=$d
            return 0
        fi
    fi
    return 1
}

install_server() {
    command -v apt-get >/dev/null 2>&1 ||
        die "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found, and no apt-get to install them"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 ||
            die "no PostgreSQL server binaries found; install Debian's postgresql package (needs root or sudo)"
        sudo=(sudo)
    fi
    log "no PostgreSQL server binaries found: installing Debian's postgresql package"
    "${sudo[@]}" apt-get update -qq >&2 || die "apt-get update failed"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 ||
        die "apt-get install postgresql failed"
}

# A client tool (psql, pg_isready) from BINDIR, else from PATH.
client() {
    local tool=$1
    shift
    if [ -x "$BINDIR/$tool" ]; then
        "$BINDIR/$tool" "$@"
    else
        command -v "$tool" >/dev/null 2>&1 || die "$tool not found (neither in $BINDIR nor on PATH)"
        "$tool" "$@"
    fi
}

# ---------------------------------------------------------------------------------------------
# Ports and paths

port_in_use() {
    local port=$1
    if command -v ss >/dev/null 2>&1; then
        [ -n "$(ss -Hltn "sport = :$port" 2>/dev/null)" ] && return 0
    fi
    # Something answering on the loopback address.
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    return 1
}

# free_port FROM: the first port from FROM upward that nothing listens on.
free_port() {
    local port
    for ((port = $1; port <= LAST_PORT; port++)); do
        if ! port_in_use "$port"; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

readonly SOCKET_SUFFIX=/.s.PGSQL.65535
# The socket's path, DIR/.s.PGSQL.PORT, must hold in sun_path (108 bytes with the final NUL);
# a path with characters that unix_socket_directories or a URL would need quoted goes to /tmp.
socket_dir_fits() {
    local d=$1
    [ $((${#d} + ${#SOCKET_SUFFIX})) -le 107 ] && [[ $d =~ ^[A-Za-z0-9/._+-]+$ ]]
}

# Percent-encodes a path for the host part of a URL.
urlencode() {
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# ---------------------------------------------------------------------------------------------
# The cluster

DIR= DATA= PORT_FILE= SOCKDIR_FILE=
set_dir() {
    [ -n "$1" ] || usage
    DIR=$1
    DATA=$DIR/data
    PORT_FILE=$DIR/port
    SOCKDIR_FILE=$DIR/socket_dir
    LOGFILE=$DIR/server.log
}

lock_dir() {
    if command -v flock >/dev/null 2>&1; then
        exec 9>>"$DIR/.lock"
        flock -w 120 9 || die "another postgres.sh is still working on $DIR (waited 120 s for $DIR/.lock)"
    fi
}

initialized() { [ -f "$DATA/PG_VERSION" ]; }

is_running() {
    initialized || return 1
    local rc=0 pid i
    as_pg "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1 || rc=$?
    [ "$rc" -eq 0 ] || return 1
    # A postmaster killed with SIGKILL stays a zombie until its parent (often PID 1, which
    # in some containers reaps late) collects it; pg_ctl, and a new postmaster, take it for
    # a live one.
    pid=$(sed -n 1p "$DATA/postmaster.pid" 2>/dev/null || true)
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        [[ $pid =~ ^[0-9]+$ ]] && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = Z ] || break
        ((i > 0)) || log "the postmaster (PID $pid) is dead but not reaped yet; waiting"
        sleep 0.2
    done
    [ "$i" -lt $((WAIT_SECONDS * 5)) ] || die "the dead postmaster (PID $pid) was not reaped in $WAIT_SECONDS s"
    [ "$i" -eq 0 ]
}

# The port of the running server, from postmaster.pid (line 4), or the recorded one.
current_port() {
    local p=""
    if [ -s "$PORT_FILE" ]; then
        p=$(cat "$PORT_FILE")
    elif [ -r "$DATA/postmaster.pid" ]; then
        p=$(sed -n 4p "$DATA/postmaster.pid")
    fi
    [[ $p =~ ^[0-9]+$ ]] || return 1
    echo "$p"
}

url_tcp() { printf 'postgresql://%s@127.0.0.1:%s/%s\n' "$DB_USER" "$1" "$DB_NAME"; }
url_socket() { printf 'postgresql://%s@%s:%s/%s\n' "$DB_USER" "$(urlencode "$2")" "$1" "$DB_NAME"; }

do_initdb() {
    log "initdb in $DATA (PostgreSQL binaries: $BINDIR)"
    if [ -n "$PG_OS_USER" ]; then
        chown "$PG_OS_USER:" "$DIR"
        ensure_traversable "$DIR"
    fi
    # Locale C: the same sorting and the same plans on every machine.
    if ! as_pg "$BINDIR/initdb" -D "$DATA" -U "$DB_USER" --auth=trust --encoding=UTF8 --locale=C \
        >"$DIR/initdb.log" 2>&1; then
        cat "$DIR/initdb.log" >&2
        die "initdb failed"
    fi
    # The settings: cimi.conf, written by write_conf at each start, is read last.
    printf "\n# Added by scripts/postgres.sh\ninclude 'cimi.conf'\n" >>"$DATA/postgresql.conf"
}

# write_conf PORT SOCKDIR
write_conf() {
    local conf=$DATA/cimi.conf
    cat >"$conf.tmp" <<EOF
# Written by scripts/postgres.sh at each start.
listen_addresses = '127.0.0.1'
port = $1
unix_socket_directories = '$2'
max_connections = 100
shared_buffers = 128MB
log_min_messages = warning
logging_collector = off
cluster_name = 'cimi-test'
EOF
    [ -z "$PG_OS_USER" ] || chown "$PG_OS_USER:" "$conf.tmp"
    mv -f "$conf.tmp" "$conf"
}

# Makes (or remakes) the socket directory and records it in DIR/socket_dir.
prepare_socket_dir() {
    local sd=$DIR/socket old
    if ! socket_dir_fits "$sd"; then
        # The one of the last start, if a server that did not stop cleanly left it (postgres
        # itself removes the stale socket files), else a new one.
        old=$(cat "$SOCKDIR_FILE" 2>/dev/null || true)
        if [[ $old == /tmp/cimi-pg.* ]] && [ -d "$old" ] && [ ! -L "$old" ] &&
            [ "$(stat -c %u "$old")" = "$(id -u "${PG_OS_USER:-$(id -un)}")" ]; then
            sd=$old
        else
            sd=$(mktemp -d /tmp/cimi-pg.XXXXXX)
        fi
    fi
    mkdir -p "$sd"
    chmod 755 "$sd"
    [ -z "$PG_OS_USER" ] || chown "$PG_OS_USER:" "$sd"
    printf '%s\n' "$sd" >"$SOCKDIR_FILE"
    echo "$sd"
}

# try_start PORT SOCKDIR: 0 when up, 1 when the port was taken, dies otherwise.
try_start() {
    local port=$1 sd=$2 offset
    write_conf "$port" "$sd"
    offset=$(($(stat -c %s "$LOGFILE" 2>/dev/null || echo 0) + 1))
    [ -e "$LOGFILE" ] || { : >"$LOGFILE"; [ -z "$PG_OS_USER" ] || chown "$PG_OS_USER:" "$LOGFILE"; }
    log "starting the server on 127.0.0.1:$port and $sd (log: $LOGFILE)"
    if as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$WAIT_SECONDS" start >/dev/null 2>"$DIR/pg_ctl.err"; then
        return 0
    fi
    cat "$DIR/pg_ctl.err" >&2
    if tail -c +"$offset" "$LOGFILE" | grep -qE 'could not bind|could not create any TCP/IP sockets|Address already in use'; then
        # pg_ctl -w gives up as soon as the postmaster exits; make sure it is gone.
        as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
        return 1
    fi
    die "the server did not start (pg_ctl start failed)"
}

wait_ready() {
    local port=$1 i
    for ((i = 0; i < WAIT_SECONDS * 5; i++)); do
        if client pg_isready -q -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres; then
            return 0
        fi
        sleep 0.2
    done
    die "the server does not accept connections on 127.0.0.1:$port after $WAIT_SECONDS s"
}

ensure_database() {
    local port=$1 sd=$2 exists
    exists=$(client psql -X -q -A -t -h "$sd" -p "$port" -U "$DB_USER" -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'") ||
        die "psql could not connect through the socket in $sd"
    if [ "$exists" != 1 ]; then
        log "creating the database $DB_NAME"
        client psql -X -q -v ON_ERROR_STOP=1 -h "$sd" -p "$port" -U "$DB_USER" -d postgres \
            -c "CREATE DATABASE $DB_NAME" >&2 || die "CREATE DATABASE $DB_NAME failed"
    fi
}

cmd_start() {
    mkdir -p "$1"
    set_dir "$(cd "$1" && pwd -P)"
    lock_dir
    ensure_os_user

    if initialized; then
        find_bindir "$(cat "$DATA/PG_VERSION")"
    else
        [ ! -e "$DATA" ] || [ -z "$(ls -A "$DATA")" ] ||
            die "$DATA exists but holds no cluster (no PG_VERSION); remove it or use another DIR"
        find_bindir || { install_server && find_bindir; } ||
            die "no PostgreSQL server binaries after installing postgresql"
    fi

    local port sd old_sd
    if is_running; then
        port=$(current_port) || die "the server in $DATA runs, but its port is unknown"
        sd=$(cat "$SOCKDIR_FILE")
        log "already running (127.0.0.1:$port)"
    else
        initialized || do_initdb
        [ -z "$PG_OS_USER" ] || ensure_traversable "$DIR"
        old_sd=$(cat "$SOCKDIR_FILE" 2>/dev/null || true)
        sd=$(prepare_socket_dir)
        [[ $sd != /tmp/cimi-pg.* || $sd == "$old_sd" ]] || NEW_SOCKDIR=$sd
        if [ -s "$PORT_FILE" ]; then
            # A restart keeps the port: the URL handed out stays valid.
            port=$(cat "$PORT_FILE")
            if ! try_start "$port" "$sd"; then
                die "port $port, this cluster's, is taken by something else"
            fi
        else
            port=$FIRST_PORT
            while :; do
                port=$(free_port "$port") || die "no free port in $FIRST_PORT-$LAST_PORT"
                try_start "$port" "$sd" && break
                log "port $port was taken meanwhile; trying the next one"
                port=$((port + 1))
            done
            echo "$port" >"$PORT_FILE"
        fi
    fi
    wait_ready "$port"
    ensure_database "$port" "$sd"
    url_tcp "$port"
}

cmd_stop() {
    if [ ! -d "$1" ]; then
        log "$1 does not exist: nothing to stop"
        return 0
    fi
    set_dir "$(cd "$1" && pwd -P)"
    if ! initialized; then
        log "no cluster in $DIR: nothing to stop"
        return 0
    fi
    lock_dir
    find_bindir "$(cat "$DATA/PG_VERSION")"
    if is_running; then
        log "stopping the server in $DATA"
        as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w -t "$WAIT_SECONDS" stop >&2 ||
            die "pg_ctl stop failed"
    else
        log "the server in $DATA is not running"
    fi
    # A socket directory of its own under /tmp goes with the server (the next start makes one),
    # with the socket files a killed server leaves.
    local sd
    sd=$(cat "$SOCKDIR_FILE" 2>/dev/null || true)
    if [[ $sd == /tmp/cimi-pg.* ]] && [ -d "$sd" ] && [ ! -L "$sd" ]; then
        rm -f "$sd"/.s.PGSQL.*
        rmdir "$sd" 2>/dev/null || log "could not remove $sd (not empty?)"
    fi
}

cmd_url() {
    [ -d "$1" ] || die "$1 does not exist"
    set_dir "$(cd "$1" && pwd -P)"
    local port
    port=$(current_port) || die "no cluster started in $DIR yet (no $PORT_FILE)"
    case ${2:-} in
        "") url_tcp "$port" ;;
        --socket)
            [ -s "$SOCKDIR_FILE" ] || die "no socket directory recorded in $SOCKDIR_FILE"
            url_socket "$port" "$(cat "$SOCKDIR_FILE")"
            ;;
        *) usage ;;
    esac
}

case ${1:-} in
    start) [ $# -eq 2 ] || usage; cmd_start "$2" ;;
    stop) [ $# -eq 2 ] || usage; cmd_stop "$2" ;;
    url) [ $# -eq 2 ] || [ $# -eq 3 ] || usage; cmd_url "$2" "${3:-}" ;;
    *) usage ;;
esac
