#!/usr/bin/env node
'use strict';
// connsim's JavaScript store host: `node js/host/main.js [--store DIR]`.
// Hosts any number of wallets' stores in this one process and speaks js/PROTOCOL.md on
// stdin/stdout. DIR (default: js/store, the project's own implementation) holds the wallet's
// store sources. Exit: 0 at end of input or `shutdown`; 1 the store cannot be built; 2 Node or
// the npm packages are missing; 3 the input ended while a reply was awaited.
const fs = require('fs');
const path = require('path');

const JS_DIR = path.resolve(__dirname, '..');
const INSTALL_HINT = 'run scripts/install-deps.sh (it runs `npm ci` in js/), or `cd js && npm ci`';

function fatal(code, kind, text) {
  fs.writeSync(1, JSON.stringify({ ev: 'fatal', kind, message: text }) + '\n');
  fs.writeSync(2, `connsim js host: ${text}\n`);
  process.exit(code);
}

function parse_args(argv) {
  const args = { store: path.join(JS_DIR, 'store') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--store' && i + 1 < argv.length) args.store = argv[++i];
    else if (argv[i].startsWith('--store=')) args.store = argv[i].slice('--store='.length);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      fs.writeSync(1, 'usage: node js/host/main.js [--store DIR]   (protocol: js/PROTOCOL.md)\n');
      process.exit(0);
    } else fatal(2, 'usage', `unknown argument ${argv[i]}; usage: main.js [--store DIR]`);
  }
  return args;
}

async function main() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 18) fatal(2, 'environment', `Node ${process.version} is too old: Node >= 18 is needed (Node 20 recommended)`);
  for (const name of ['esbuild', 'pinia', 'vue']) {
    try {
      require.resolve(name, { paths: [JS_DIR] });
    } catch {
      fatal(2, 'environment', `the npm package "${name}" is missing from js/node_modules: ${INSTALL_HINT}`);
    }
  }
  process.env.NODE_ENV = 'production';
  const args = parse_args(process.argv.slice(2));

  // Nothing but protocol lines on stdout: any console output of the store or of a library goes
  // to stderr.
  const util = require('util');
  const to_stderr = (...a) => fs.writeSync(2, util.format(...a) + '\n');
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace']) console[method] = to_stderr;

  const { VirtualClock } = require('./virtual_clock');
  const { StoreLoader } = require('./store_loader');
  const { Wire } = require('./wire');
  const { Host } = require('./host');

  const loader = new StoreLoader(args.store);
  try {
    await loader.build();
  } catch (error) {
    fatal(1, 'store', error.message);
  }
  const clock = new VirtualClock();
  const real = clock.install(globalThis);
  const host = new Host({ wire: new Wire(0, 1), clock, loader, real });
  process.on('unhandledRejection', (reason) => host.report_store_error(null, 'unhandled rejection', reason));
  process.on('uncaughtException', (error) => host.report_store_error(null, 'uncaught exception', error));
  const code = await host.run();
  process.exit(code);
}

main().catch((error) => fatal(1, 'host', `host failure: ${error && error.stack ? error.stack : error}`));
