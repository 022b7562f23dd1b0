#!/usr/bin/env bash
# Installs the real engines the integration tests talk to. Idempotent and cached: a second run
# only checks and prints versions. Everything comes from package registries (Debian, PyPI,
# the Go module proxy); nothing is downloaded from anywhere else.
#   PostgreSQL, Redis, Prometheus, Chromium  Debian packages
#   MLflow server + client                   PyPI, in a virtualenv
#   WsgiDAV (a WebDAV server) on cheroot     PyPI, in a virtualenv
#   MinIO server                             go install (pinned pseudo-version)
#   Temporal dev server (temporal CLI)       go install (v1.5.1 = Server 1.29.1; v1.6+ replace a
#                                            nested module the proxy does not carry)
set -euo pipefail

JARVIS_CACHE="${JARVIS_CACHE:-$HOME/.cache/jarvis}"
ENGINES="${JARVIS_ENGINES:-$JARVIS_CACHE/engines}"
MINIO_VERSION="v0.0.0-20260212201848-7aac2a2c5b7c"
TEMPORAL_CLI_VERSION="v1.5.1"
MLFLOW_VERSION="3.17.2"
PSYCOPG2_VERSION="2.9.13"
AIOSMTPD_VERSION=1.4.6
BOTO3_VERSION=1.44.8
ARIADNE_CODEGEN_VERSION=0.19.0
WSGIDAV_VERSION=4.4.0
CHEROOT_VERSION=11.1.2
DEBIAN_PACKAGES=(postgresql redis-server prometheus chromium)
started=$SECONDS
mkdir -p "$ENGINES/bin"

step() { printf '\n== %s\n' "$*"; }

step "Debian packages: ${DEBIAN_PACKAGES[*]}"
missing=()
for p in "${DEBIAN_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start their services where an init system runs; tests start their own.
else
  echo "already installed"
fi

go_install() { # name module version
  local name=$1 module=$2 version=$3 stamp="$ENGINES/bin/.$1.version"
  if [ -x "$ENGINES/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
    echo "$name $version already built"
    return
  fi
  command -v go >/dev/null || { echo "go is needed to build $name; install Go 1.24+" >&2; exit 1; }
  echo "building $module@$version (a few minutes the first time)"
  GOBIN="$ENGINES/bin" GOFLAGS=-buildvcs=false go install "$module@$version"
  echo "$version" >"$stamp"
}

step "MinIO ($MINIO_VERSION) and Temporal CLI ($TEMPORAL_CLI_VERSION), built in parallel"
go_install minio github.com/minio/minio "$MINIO_VERSION" &
minio_pid=$!
go_install temporal github.com/temporalio/cli/cmd/temporal "$TEMPORAL_CLI_VERSION" &
temporal_pid=$!

step "MLflow $MLFLOW_VERSION (virtualenv)"
venv="$ENGINES/mlflow-venv"
# psycopg2 lets the MLflow server keep its runs in PostgreSQL (the benchmark's peer setup).
if [ -x "$venv/bin/mlflow" ] && "$venv/bin/python" -c "import mlflow,psycopg2,sys; sys.exit(mlflow.__version__ != '$MLFLOW_VERSION')" 2>/dev/null; then
  echo "already installed"
else
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "mlflow==$MLFLOW_VERSION" "psycopg2-binary==$PSYCOPG2_VERSION"
fi
ln -sf "$venv/bin/mlflow" "$ENGINES/bin/mlflow"

step "aiosmtpd $AIOSMTPD_VERSION (the SMTP server notification tests deliver to)"
if "$venv/bin/python" -c "import aiosmtpd,sys; sys.exit(aiosmtpd.__version__ != '$AIOSMTPD_VERSION')" 2>/dev/null; then
  echo "already installed"
else
  "$venv/bin/pip" install -q --disable-pip-version-check "aiosmtpd==$AIOSMTPD_VERSION"
fi

step "boto3 $BOTO3_VERSION (MLflow's S3 artifact store: the parity suite's MLflow keeps artifacts in MinIO)"
if "$venv/bin/python" -c "import boto3,sys; sys.exit(boto3.__version__ != '$BOTO3_VERSION')" 2>/dev/null; then
  echo "already installed"
else
  "$venv/bin/pip" install -q --disable-pip-version-check "boto3==$BOTO3_VERSION"
fi

step "Python SDK tools: ariadne-codegen $ARIADNE_CODEGEN_VERSION, build, pytest, and a wheelhouse of the SDK's dependencies"
# The Python client is generated with ariadne-codegen (npm run codegen) and tested from its
# built wheel in a fresh virtualenv, installed offline from this wheelhouse.
tools="$ENGINES/python-sdk-tools"
wheelhouse="$ENGINES/python-wheelhouse"
# temporalio: the Python worker's engine when Jarvis runs its workflows on Temporal (the `temporal` extra).
sdk_deps=(httpx==0.28.1 pydantic==2.14.4 websockets==17.4 tqdm==4.70.1 pytest==9.2.0 temporalio==1.35.0)
# The wheelhouse is complete for this exact list: a new pin downloads again.
wheelhouse_mark="$wheelhouse/.complete-$(echo "$ARIADNE_CODEGEN_VERSION ${sdk_deps[*]}" | sha256sum | cut -c1-16)"
# The peer of the Python SDK's upload benchmark: MinIO's own Python client.
bench_deps=(minio==7.2.20)
if [ -x "$tools/bin/ariadne-codegen" ] && "$tools/bin/python" -c "import importlib.metadata as m,sys; sys.exit(m.version('ariadne-codegen') != '$ARIADNE_CODEGEN_VERSION' or m.version('minio') != '7.2.20')" 2>/dev/null && [ -f "$wheelhouse_mark" ]; then
  echo "already installed"
else
  python3 -m venv "$tools"
  "$tools/bin/pip" install -q --disable-pip-version-check "ariadne-codegen[subscriptions]==$ARIADNE_CODEGEN_VERSION" build==1.6.1 hatchling==1.33.0 "${sdk_deps[@]}" "${bench_deps[@]}"
  mkdir -p "$wheelhouse"
  "$tools/bin/pip" download -q --disable-pip-version-check -d "$wheelhouse" "${sdk_deps[@]}"
  touch "$wheelhouse_mark"
fi

step "WsgiDAV $WSGIDAV_VERSION (the WebDAV server the drives tests talk to)"
dav="$ENGINES/wsgidav-venv"
if [ -x "$dav/bin/wsgidav" ] && "$dav/bin/python" -c "import importlib.metadata as m,sys; sys.exit(m.version('wsgidav') != '$WSGIDAV_VERSION')" 2>/dev/null; then
  echo "already installed"
else
  python3 -m venv "$dav"
  "$dav/bin/pip" install -q --disable-pip-version-check "wsgidav==$WSGIDAV_VERSION" "cheroot==$CHEROOT_VERSION"
fi
ln -sf "$dav/bin/wsgidav" "$ENGINES/bin/wsgidav"

wait "$minio_pid"
wait "$temporal_pid"

step "versions"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
echo "postgresql: $("$pgbin/postgres" --version)"
echo "redis:      $(redis-server --version)"
echo "prometheus: $(prometheus --version 2>&1 | head -n 1)"
echo "chromium:   $(chromium --version 2>/dev/null)"
echo "mlflow:     $("$venv/bin/mlflow" --version)"
echo "aiosmtpd:   $("$venv/bin/python" -c "import aiosmtpd; print(aiosmtpd.__version__)")"
echo "wsgidav:    $("$dav/bin/wsgidav" --version 2>&1 | tail -n 1)"
echo "minio:      $MINIO_VERSION ($("$ENGINES/bin/minio" --version | head -n 1))"
echo "temporal:   $("$ENGINES/bin/temporal" --version)"
echo "engines ready in $((SECONDS - started)) s; binaries in $ENGINES/bin"
