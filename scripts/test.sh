#!/usr/bin/env bash
# `npm test`: every test. Installs the system tools the tests need, type-checks and builds (the
# command-line tests run the built bundle), then runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-tools.sh
npx tsc -b
node scripts/build.mjs
npx vitest run "$@"
