#!/usr/bin/env bash
# Runs a command with the integration-test services up: MariaDB and Redis on free loopback ports in a temporary folder
# (never the system services), OpenSSH installed for the Dokku test server (test/support/dokku-server.ts starts its own
# sshd). Installs what is missing from Debian packages, exports the addresses in RESTANT_TEST_* variables, always tears
# everything down, and exits with the command's exit code.
#
#   bash test/services/start.sh vitest run --project integration
#
# Exported: RESTANT_TEST_SERVICES_DIR, RESTANT_TEST_MYSQL_HOST, RESTANT_TEST_MYSQL_PORT, RESTANT_TEST_MYSQL_SOCKET
# (root connects through it by unix_socket auth), RESTANT_TEST_MYSQL_DEFAULTS_FILE (a client option file with the
# admin user, so no password is ever on a command line), RESTANT_TEST_REDIS_HOST, RESTANT_TEST_REDIS_PORT,
# RESTANT_TEST_REDIS_PASSWORD_FILE (the server's password: use it as REDISCLI_AUTH), RESTANT_TEST_REDIS_DATABASES.
set -euo pipefail

if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 64
fi

# Logical databases of the test Redis: the platform stack configures the shared Redis beyond Redis's 16 for previews.
REDIS_DATABASES="${RESTANT_TEST_REDIS_DATABASES:-64}"
PACKAGES=(openssh-server openssh-client mariadb-server mariadb-client redis-server shellcheck)

log() {
  echo "test services: $*" >&2
}

install_missing_packages() {
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $(id -u) -ne 0 ]]; then
    log "missing Debian packages (${missing[*]}); run as root so they can be installed"
    exit 1
  fi
  log "installing ${missing[*]}"
  # Keep apt from starting the packages' system services: the tests start their own on test ports.
  local policy=/usr/sbin/policy-rc.d own_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=true
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  if [[ $own_policy == true ]]; then
    rm -f "$policy"
  fi
}

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

random_hex() {
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

wait_until() {
  local what="$1" pid="$2" tries=300
  shift 2
  until "$@" >/dev/null 2>&1; do
    tries=$((tries - 1))
    if [[ $tries -le 0 ]] || ! kill -0 "$pid" 2>/dev/null; then
      log "$what did not come up"
      return 1
    fi
    sleep 0.1
  done
}

SERVICES_DIR=""
MYSQL_PID=""
REDIS_PID=""

# shellcheck disable=SC2317  # run by the EXIT trap
stop_services() {
  if [[ -n $REDIS_PID ]]; then
    kill "$REDIS_PID" 2>/dev/null || true
    wait "$REDIS_PID" 2>/dev/null || true
  fi
  if [[ -n $MYSQL_PID ]]; then
    kill "$MYSQL_PID" 2>/dev/null || true
    wait "$MYSQL_PID" 2>/dev/null || true
  fi
  if [[ -n $SERVICES_DIR && -d $SERVICES_DIR ]]; then
    rm -rf "$SERVICES_DIR"
  fi
}

start_mariadb() {
  local run="$SERVICES_DIR/mysql-run" port run_as
  local data="$run/data" socket="$run/mysql.sock"
  port="$(free_port)"
  run_as="$(id -un)"
  mkdir -p "$data"
  chmod 755 "$run"
  if [[ $(id -u) -eq 0 ]]; then
    # mariadbd refuses to run as root; the package's mysql user owns the data, the socket and the logs.
    run_as=mysql
    chown -R mysql:mysql "$run"
  fi
  mariadb-install-db --no-defaults --user="$run_as" --datadir="$data" --auth-root-authentication-method=socket \
    --skip-test-db >"$SERVICES_DIR/mysql-install.log" 2>&1 || {
    cat "$SERVICES_DIR/mysql-install.log" >&2
    return 1
  }
  # utf8mb4 as dokku-mysql configures its containers; relaxed flushing because the data is thrown away.
  mariadbd --no-defaults --user="$run_as" --datadir="$data" --socket="$socket" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$run/mysql.pid" --log-error="$run/mysql.err" \
    --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=500 --innodb-flush-log-at-trx-commit=2 --skip-log-bin &
  MYSQL_PID=$!
  if ! wait_until "MariaDB" "$MYSQL_PID" mariadb-admin --no-defaults --socket="$socket" --user=root ping; then
    cat "$run/mysql.err" >&2
    return 1
  fi

  local password defaults="$SERVICES_DIR/mysql-admin.cnf"
  password="$(random_hex)"
  # The SQL goes on stdin: the password never shows in a process list.
  mariadb --no-defaults --socket="$socket" --user=root <<SQL
CREATE USER 'restant_admin'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'restant_admin'@'%' WITH GRANT OPTION;
SQL
  # Readable by the dokku user that runs the Dokku double behind sshd.
  (
    umask 022
    printf '[client]\nhost=127.0.0.1\nport=%s\nuser=restant_admin\npassword=%s\n' "$port" "$password" >"$defaults"
  )

  export RESTANT_TEST_MYSQL_HOST=127.0.0.1
  export RESTANT_TEST_MYSQL_PORT="$port"
  export RESTANT_TEST_MYSQL_SOCKET="$socket"
  export RESTANT_TEST_MYSQL_DEFAULTS_FILE="$defaults"
}

start_redis() {
  local port password conf="$SERVICES_DIR/redis.conf" password_file="$SERVICES_DIR/redis-password"
  port="$(free_port)"
  password="$(random_hex)"
  mkdir -p "$SERVICES_DIR/redis"
  # The password lives in files, never on a command line; the dokku user (the Dokku double) reads the password file
  # to give each dokku-redis service a password of its own on this server.
  (
    umask 077
    printf 'requirepass %s\n' "$password" >"$conf"
  )
  (
    umask 022
    printf '%s\n' "$password" >"$password_file"
  )
  redis-server "$conf" --port "$port" --bind 127.0.0.1 --dir "$SERVICES_DIR/redis" --save "" --appendonly no \
    --databases "$REDIS_DATABASES" --daemonize no --loglevel warning --logfile "$SERVICES_DIR/redis.log" &
  REDIS_PID=$!
  if ! REDISCLI_AUTH="$password" wait_until "Redis" "$REDIS_PID" redis-cli -h 127.0.0.1 -p "$port" ping; then
    cat "$SERVICES_DIR/redis.log" >&2
    return 1
  fi
  export RESTANT_TEST_REDIS_HOST=127.0.0.1
  export RESTANT_TEST_REDIS_PORT="$port"
  export RESTANT_TEST_REDIS_PASSWORD_FILE="$password_file"
  export RESTANT_TEST_REDIS_DATABASES="$REDIS_DATABASES"
}

main() {
  install_missing_packages
  trap stop_services EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  SERVICES_DIR="$(mktemp -d "${TMPDIR:-/tmp}/restant-test-services.XXXXXX")"
  chmod 755 "$SERVICES_DIR"
  export RESTANT_TEST_SERVICES_DIR="$SERVICES_DIR"
  start_mariadb
  start_redis
  log "MariaDB on 127.0.0.1:$RESTANT_TEST_MYSQL_PORT, Redis on 127.0.0.1:$RESTANT_TEST_REDIS_PORT"

  local status=0
  "$@" || status=$?
  exit "$status"
}

main "$@"
