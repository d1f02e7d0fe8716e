#!/usr/bin/env bash
# Set up everything a build and the tests need, idempotently:
#  - Debian packages: Pango/HarfBuzz for WeasyPrint, poppler-utils and qpdf (the tests read the
#    real PDFs with them), a Java runtime for EPUBCheck, Chromium and Node.js (Ace by DAISY checks
#    the EPUB's accessibility in a headless Chromium; the web edition's layout test uses it too);
#    installed only when missing.
#  - Ace by DAISY (npm @daisy/ace-cli) into .tools/ (git-ignored), never globally; puppeteer is
#    told not to download a browser of its own (only the package registries are reachable) and
#    the tests point it at /usr/bin/chromium.
#  - an isolated Python environment with the pinned dependencies and treatypress itself.
set -euo pipefail
venv="${1:-.venv}"
need=()
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils qpdf chromium; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ "${#need[@]}" -gt 0 ]; then
  echo "setup: installing ${need[*]}" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating the Python environment $venv" >&2
  python3 -m venv "$venv"
fi
echo "setup: installing treatypress and its pinned Python dependencies (constraints.txt) into $venv" >&2
"$venv/bin/python" -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
ace_version="1.4.6"
tools="$(dirname "$0")/../.tools"
if ! grep -qs "\"version\": \"$ace_version\"" "$tools/node_modules/@daisy/ace-cli/package.json"; then
  echo "setup: installing @daisy/ace-cli@$ace_version into .tools/" >&2
  mkdir -p "$tools"
  PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 \
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error "@daisy/ace-cli@$ace_version" >/dev/null
fi
echo "setup: done" >&2
