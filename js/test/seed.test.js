'use strict';
// The seed's own code, verbatim: js/seed/extract_seed.js assembles a store from the TypeScript
// blocks of ../shared/seed/03_STORE_CONNECTION_MANAGEMENT.md, the host loads it from that path,
// and the connection and MuSig2 suites run again on it. Skipped, with a notice, when the seed
// document is absent.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { extract, find_seed, store_parts } = require('../seed/extract_seed');

const seed = find_seed(process.env.CONNSIM_SEED_DOC || null);

test('store_parts: labels, bare methods, imports, templates and comments', () => {
  const block = [
    "import {\n  a,\n  b,\n} from '~/x'",
    '// Add to state',
    'state: () => ({ m: new Map<string, { x: number }>() }),',
    '// a comment with actions: in it',
    'actions: {',
    '  f() { return `${"{"}${`nested ${1}`}}` },',
    '  /* } */ g() {},',
    '}',
  ].join('\n');
  const { imports, parts } = store_parts(block);
  assert.deepEqual(imports, ["import {\n  a,\n  b,\n} from '~/x'"]);
  assert.deepEqual(parts.map((p) => p.kind), ['state', 'actions']);
  assert.match(parts[0].text, /^\(\) => \(\{ m: new Map/);
  assert.match(parts[1].text, /^\{\n {2}f\(\)[\s\S]*g\(\) \{\},\n\}$/);
  const bare = store_parts('foo(x) {\n  return x\n}');
  assert.deepEqual(bare.parts, [{ kind: 'actions', text: '{\nfoo(x) {\n  return x\n}\n}' }]);
});

if (!seed) {
  test('the seed-assembled store', { skip: 'notice: the seed document 03_STORE_CONNECTION_MANAGEMENT.md is absent' }, () => {});
} else {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'connsim-seed-store-'));
  const { notices } = extract(seed, out);
  process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));

  test('the seed assembles: later definitions replace earlier ones, the placeholder is named', () => {
    const p2p = fs.readFileSync(path.join(out, 'stores', 'p2p.ts'), 'utf8');
    const musig2 = fs.readFileSync(path.join(out, 'stores', 'musig2.ts'), 'utf8');
    // Task 3.1's and Task 3.5's connectToPresence are both there, 3.5's spread last
    assert.equal((p2p.match(/async connectToPresence\(/g) ?? []).length, 2);
    const spread = /actions: \{ ([^}]*) \}/.exec(p2p)[1].split(', ');
    const task35 = p2p.slice(p2p.lastIndexOf('const seed_actions_', p2p.indexOf('_emitConnectionEvent(')));
    assert.equal(spread.at(-1), '...' + /const (seed_actions_\d+_\d+)/.exec(task35)[1]);
    assert.match(p2p, /import \{ useContactsStore \} from '.\/contacts'/);
    assert.match(musig2, /return this\._startSigningSession\(wallet, participantPeerIds, params\)/);
    assert.ok(notices.some((n) => n.includes('existing session creation logic')));
    assert.ok(notices.some((n) => n.includes('Usage') || n.includes('Connect to a Discovered Peer')));
  });

  process.env.CONNSIM_JS_STORE = out;
  process.env.CONNSIM_JS_STORE_IS_SEED = '1';
  require('./connect.test.js');
  require('./musig2.test.js');
}
