#!/usr/bin/env bash
# Install the system packages the test suite needs, only when something is missing:
#   chromium (browser tests), fonts-noto-cjk (Chinese text in screenshots and the PDFs),
#   postgresql (server binaries for the throwaway test cluster), python3-venv,
#   pango (libpango-1.0-0, libpangoft2-1.0-0: WeasyPrint's text layout for the PDF letters).
# Never downloads browsers through Playwright: the tests use the system Chromium.
set -euo pipefail

has_cjk_font() {
    command -v fc-list >/dev/null 2>&1 || return 1
    # Read the whole list before matching: `fc-list | grep -q` under pipefail fails at random
    # when grep exits at the first match and fc-list dies of SIGPIPE.
    local families
    families=$(fc-list : family 2>/dev/null) || return 1
    [[ "${families,,}" == *"noto sans cjk"* ]]
}

has_pango() {
    # WeasyPrint loads libpango-1.0 and libpangoft2-1.0 at run time (cffi dlopen).
    local ldconfig libraries
    ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
    libraries=$("$ldconfig" -p 2>/dev/null) || return 1
    [[ "$libraries" == *"libpango-1.0.so.0"* && "$libraries" == *"libpangoft2-1.0.so.0"* ]]
}

has_postgres_server() {
    if [ -n "${GONGHUI_PG_BIN:-}" ]; then
        [ -x "$GONGHUI_PG_BIN/initdb" ]
    else
        compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null
    fi
}

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
has_cjk_font || missing+=(fonts-noto-cjk)
has_postgres_server || missing+=(postgresql)
has_pango || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
    echo "system dependencies present (chromium, fonts-noto-cjk, postgresql, python3-venv, pango)"
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
"${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
