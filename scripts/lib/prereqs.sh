# shellcheck shell=bash
# Prerequisites for scripts/test, each installed or started only when missing,
# so running them again costs nothing. Sourced by scripts/test from the repo root.

log() { printf '==> %s\n' "$*" >&2; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        log "need root for: $*"
        return 1
    fi
}

ensure_nextest() {
    if cargo nextest --version >/dev/null 2>&1; then
        return 0
    fi
    log "installing cargo-nextest"
    cargo install cargo-nextest --locked
}

# Debian's Chromium only; a browser is never downloaded by a test tool.
ensure_chromium() {
    if [[ -x /usr/bin/chromium ]]; then
        return 0
    fi
    log "installing chromium from Debian"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432; }

ensure_postgres() {
    if pg_ready; then
        return 0
    fi
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL ${version}"
    as_root pg_ctlcluster --skip-systemctl-redirect "${version}" main start || true
    local waited=0
    until pg_ready; do
        if (( waited >= 30 )); then
            log "PostgreSQL is not accepting connections on 127.0.0.1:5432 after 30 s"
            return 1
        fi
        sleep 1
        waited=$(( waited + 1 ))
    done
}

# web/node_modules also feeds the server's embedded assets, so it is needed
# even without the browser tests.
ensure_npm_packages() {
    if [[ -d web/node_modules && ! web/package-lock.json -nt web/node_modules/.package-lock.json ]]; then
        return 0
    fi
    log "installing npm packages in web/"
    (cd web && npm ci --no-audit --no-fund)
}

psql_admin() { psql -h 127.0.0.1 -p 5432 -U postgres -d postgres -v ON_ERROR_STOP=1 -Atc "$1"; }

# Drops the databases that Rust tests of an earlier, aborted run left behind.
# Only those created more than ten minutes ago: a test holds its database
# for seconds, so a younger one may belong to a run still going in another
# shell. When the age can't be read, every one of them goes.
drop_leftover_test_databases() {
    local names
    if ! names=$(psql_admin "SELECT datname FROM pg_database
            WHERE datname LIKE 'coprod\_test\_%'
              AND (pg_stat_file('base/' || oid || '/PG_VERSION')).modification
                  < now() - interval '10 minutes'" 2>/dev/null); then
        names=$(psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'coprod\_test\_%'")
    fi
    local name
    for name in ${names}; do
        log "dropping leftover database ${name}"
        psql_admin "DROP DATABASE IF EXISTS \"${name}\" WITH (FORCE)" >/dev/null
    done
}
