#!/bin/sh
# Runs deploy/postgres-setup.sql with the role's password from the environment
# (SPOORLOG_DB_PASSWORD). As the PostgreSQL image's init script it runs once, on an
# empty data directory; by hand: SPOORLOG_DB_PASSWORD=... sh deploy/postgres-setup.sh
set -eu
: "${SPOORLOG_DB_PASSWORD:?SPOORLOG_DB_PASSWORD must be set}"
SQL="${SPOORLOG_SETUP_SQL:-/opt/spoorlog/postgres-setup.sql}"
[ -f "$SQL" ] || SQL="$(dirname "$0")/postgres-setup.sql"
psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  -v role="${SPOORLOG_DB_ROLE:-spoorlog}" -v database="${SPOORLOG_DB_NAME:-spoorlog}" \
  -v password="$SPOORLOG_DB_PASSWORD" -f "$SQL"
