#!/usr/bin/env bash
# `npm test`: every test. Installs the system tools the tests need, type-checks and builds (the
# command-line and editor tests run the built bundles), runs the whole vitest suite, then the
# end-to-end suite in the real VS Code workbench (code-server + headless Chromium, installed into
# .tools/ by the project's own script, outside the project's dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
npx tsc -b
node scripts/build.mjs
npx vitest run "$@"
bash scripts/install-vscode-test.sh
node test/e2e/run.mjs
