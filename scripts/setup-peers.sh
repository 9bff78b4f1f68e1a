#!/usr/bin/env bash
# Create (or refresh) the Python env used for fixtures and peer benchmarks:
#   <repo>/.venv-peers, with the pins from scripts/requirements-peers.txt.
#
# Idempotent and fast when up to date: the sha256 of the requirements file is
# kept in .venv-peers/.requirements-peers.sha256; when it matches and the env's
# python runs, nothing is installed. When it differs, the env is rebuilt from
# scratch so that it holds exactly the pinned set.
#
# Progress goes to stderr; the path of the env's python is the only line
# printed on stdout, so `PY=$(bash scripts/setup-peers.sh)` works.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "${script_dir}/.." && pwd)"
requirements="${script_dir}/requirements-peers.txt"
venv="${repo_root}/.venv-peers"
python="${venv}/bin/python"
stamp="${venv}/.requirements-peers.sha256"

want="$(sha256sum "${requirements}" | cut -d' ' -f1)"

up_to_date() {
    [[ -f "${stamp}" && "$(cat "${stamp}")" == "${want}" ]] &&
        "${python}" -c 'import sys' >/dev/null 2>&1
}

if ! up_to_date; then
    start=${SECONDS}
    if [[ -e "${venv}" ]]; then
        echo "setup-peers: requirements changed or env broken; rebuilding ${venv}" >&2
        rm -rf "${venv}"
    else
        echo "setup-peers: creating ${venv}" >&2
    fi
    python3 -m venv "${venv}"
    "${python}" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "${requirements}"
    "${python}" -m pip check --disable-pip-version-check >&2
    # Written last: a failed or interrupted install leaves no valid stamp.
    echo "${want}" >"${stamp}.tmp"
    mv "${stamp}.tmp" "${stamp}"
    echo "setup-peers: installed in $((SECONDS - start)) s" >&2
fi

echo "${python}"
