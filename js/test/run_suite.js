#!/usr/bin/env node
'use strict';
// CTest's entry to one JavaScript suite: `node js/test/run_suite.js FILE`. Runs `node --test FILE`
// when js/node_modules is installed. Without it the suite is skipped (exit 77, CTest's
// SKIP_RETURN_CODE) with a line saying how to install it, so a checkout that has not run
// scripts/install-deps.sh yet (a fresh git worktree) still runs the C++ suites; under CI=true a
// missing install is a failure.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const JS_DIR = path.resolve(__dirname, '..');
const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: run_suite.js FILE\n');
  process.exit(2);
}
const installed = ['esbuild', 'pinia', 'vue'].every((p) => fs.existsSync(path.join(JS_DIR, 'node_modules', p)));
if (!installed) {
  const line = `${path.basename(file)}: js/node_modules is missing; run scripts/install-deps.sh (npm ci in js/)`;
  if (process.env.CI === 'true') {
    process.stderr.write(`FAIL ${line}\n`);
    process.exit(1);
  }
  process.stdout.write(`SKIP ${line}\n`);
  process.exit(77);
}
const run = spawnSync(process.execPath, ['--test', path.resolve(file)], { stdio: 'inherit', cwd: JS_DIR });
process.exit(run.status === null ? 1 : run.status);
