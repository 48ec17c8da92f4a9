#!/usr/bin/env bash
# Install the system packages the test suite needs, only when something is missing:
#   chromium (browser tests), fonts-noto-cjk (Chinese text in screenshots),
#   postgresql (server binaries for the throwaway test cluster), python3-venv.
# Never downloads browsers through Playwright: the tests use the system Chromium.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if ! command -v fc-list >/dev/null 2>&1 || ! fc-list | grep -qi "Noto Sans CJK"; then
    missing+=(fonts-noto-cjk)
fi
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    missing+=(postgresql)
fi
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "system dependencies present (chromium, fonts-noto-cjk, postgresql, python3-venv)"
    exit 0
fi

echo "installing missing system packages: ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
    sudo=()
else
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update
"${sudo[@]}" apt-get install -y --no-install-recommends chromium fonts-noto-cjk postgresql python3-venv
