#!/usr/bin/env node
'use strict';
// CTest conform.seed_verbatim: the seed's own code, verbatim, held to the C++ store. Assembles a
// store from the code blocks of ../shared/seed/03_STORE_CONNECTION_MANAGEMENT.md
// (js/seed/extract_seed.js) into a temporary directory and runs `connsim conform --store-path`
// on every library scenario the seed's code can drive. Each must conform, except those listed
// in tests/conform/known_divergent.txt, which must still diverge (as for conform.<stem>).
//
// Scenarios the seed's code cannot drive: those that set a store option the seed's code has no
// API for (SEED_LACKS below). The seed's actions ignore such an option, so the run would test
// the option's absence, not the seed. They are named, with the reason, and not run.
//
// usage: seed_verbatim.js CONNSIM REPO
// Exit: 0 as expected; 1 not; 77 (skip, with a notice) when the seed document is absent.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

/// Store options of the project's store that the seed's code does not have, and why.
const SEED_LACKS = [
  ['concurrency', "the seed's connectToMultiplePeers hard-codes batches of 3 (const CONCURRENCY = 3)"],
  ['dedupe_concurrent_connects', "the seed's connectToOnlinePeer starts a second connectToPresence for a peer already being connected to"],
  ['presence_update', "the seed's presence handling replaces a known peer's record; merge-reset and merge-keep are the later shipped wallet's"],
  ['musig2.connectivity_timeout', "the seed's proposeSpend awaits ensureParticipantsConnected with no race against a timer"],
  ['musig2.cancel_on_timeout', 'the seed has no connectivity race to cancel'],
  ['musig2.allow_partial_connectivity', "the seed's proposeSpend requires every participant"],
  ['musig2.min_connected_participants', "the seed's proposeSpend requires every participant"],
];

/// The SEED_LACKS options a scenario's wallets set: [[option, reason], ...].
function lacking_options(scenario) {
  const found = new Map();
  for (const wallet of scenario.wallets ?? []) {
    const store = wallet.store ?? {};
    for (const [option, reason] of SEED_LACKS) {
      const [head, tail] = option.split('.');
      const set = tail === undefined ? store[head] !== undefined : (store[head] ?? {})[tail] !== undefined;
      if (set) found.set(option, reason);
    }
  }
  return [...found];
}

function known_divergent(repo) {
  const text = fs.readFileSync(path.join(repo, 'tests', 'conform', 'known_divergent.txt'), 'utf8');
  return new Set(text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => line.split(' ')[0]));
}

function main([connsim, repo]) {
  const { extract, find_seed } = require(path.join(repo, 'js', 'seed', 'extract_seed.js'));
  const seed = find_seed(process.env.CONNSIM_SEED_DOC || null);
  if (!seed) {
    console.log('notice: the seed document 03_STORE_CONNECTION_MANAGEMENT.md is absent (../shared/seed/ beside the repository); skipped');
    return 77;
  }
  const store = fs.mkdtempSync(path.join(os.tmpdir(), 'connsim-seed-store-'));
  try {
    const { notices, blocks } = extract(seed, store);
    console.log(`assembled a store from ${blocks} code blocks of ${seed}`);
    for (const notice of notices) console.log(`notice: ${notice}`);

    const library = path.join(repo, 'scenarios', 'library');
    const divergent = known_divergent(repo);
    const driven = [];
    for (const file of fs.readdirSync(library).filter((f) => f.endsWith('.json')).sort()) {
      const stem = file.slice(0, -'.json'.length);
      const lacking = lacking_options(JSON.parse(fs.readFileSync(path.join(library, file), 'utf8')));
      if (lacking.length === 0) {
        driven.push(stem);
        continue;
      }
      for (const [option, reason] of lacking) console.log(`not run with the seed's code: ${stem}: sets store.${option}; ${reason}`);
    }
    const conform = spawnSync(connsim, ['conform', ...driven.map((s) => path.join(library, s + '.json')), '--store-path', store],
      { encoding: 'utf8', maxBuffer: 64 << 20 });
    process.stdout.write(conform.stdout);
    process.stderr.write(conform.stderr);
    if (conform.status !== 0 && conform.status !== 1) {
      console.error(`connsim conform exited ${conform.status ?? conform.signal}`);
      return 1;
    }
    const lines = conform.stdout.split('\n').filter((line) => /^(PASS|FAIL) /.test(line));
    if (lines.length !== driven.length) {
      console.error(`expected ${driven.length} scenario lines, got ${lines.length}`);
      return 1;
    }
    const problems = [];
    driven.forEach((stem, i) => {
      const conforms = lines[i].startsWith('PASS ');
      if (conforms && divergent.has(stem)) problems.push(`${stem} conforms with the seed's code but is listed in tests/conform/known_divergent.txt`);
      if (!conforms && !divergent.has(stem)) problems.push(`${stem} diverges with the seed's code: ${lines[i]}`);
    });
    for (const problem of problems) console.error(problem);
    console.log(`${driven.length} library scenarios run with the seed's code, ${problems.length} not as expected`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    fs.rmSync(store, { recursive: true, force: true });
  }
}

if (process.argv.length !== 4) {
  console.error('usage: seed_verbatim.js CONNSIM REPO');
  process.exitCode = 1;
} else {
  process.exitCode = main(process.argv.slice(2));
}
