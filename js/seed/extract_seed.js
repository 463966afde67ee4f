#!/usr/bin/env node
'use strict';
// Assembles a store from the seed's own code blocks, so the host can run the seed verbatim.
//
//   node js/seed/extract_seed.js --out DIR [--seed FILE]
//
// FILE (default: ../shared/seed/03_STORE_CONNECTION_MANAGEMENT.md next to the repository, or
// $CONNSIM_SEED_DOC) is read for its ```typescript blocks. Each block belongs to the file its
// section names (`**File**: \`stores/p2p.ts\``, or a heading like `### P2P Store (stores/p2p.ts)`);
// blocks of no file (the usage examples, the state interface summary) are skipped with a notice.
// A store file's blocks are split into their `state:`, `getters:` and `actions:` parts (a block
// of bare methods is a list of actions) and their imports; DIR/stores/<name>.ts then defines the
// Pinia option store from the project's "existing" parts (js/store/stores/*_base.ts: the state,
// presence handling, the feed, sessions) with the seed's parts spread over them in document
// order, so a later definition of an action replaces an earlier one (Task 3.5's
// connectToPresence replaces Task 3.1's). The seed's placeholder for the existing session logic
// of proposeSpend is the one line replaced (PLACEHOLDERS below), and reported.
// Exit: 0 written; 3 the seed file is absent (a notice, nothing written); 1 anything else.

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const JS_DIR = path.resolve(__dirname, '..');
const PROJECT_STORE = path.join(JS_DIR, 'store');
const SEED_NAME = path.join('shared', 'seed', '03_STORE_CONNECTION_MANAGEMENT.md');

/// Where the seed document is looked for when no path is given: $CONNSIM_SEED_DOC, then
/// ../shared/seed/… beside the repository, then beside the main checkout of a git worktree.
function default_seed_candidates() {
  const candidates = [];
  if (process.env.CONNSIM_SEED_DOC) candidates.push(process.env.CONNSIM_SEED_DOC);
  const repo = path.resolve(JS_DIR, '..');
  candidates.push(path.resolve(repo, '..', SEED_NAME));
  try {
    const common = execFileSync('git', ['-C', repo, 'rev-parse', '--path-format=absolute', '--git-common-dir'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    candidates.push(path.resolve(path.dirname(common), '..', SEED_NAME));
  } catch {
    // not a git checkout
  }
  return candidates;
}

function find_seed(explicit) {
  if (explicit) return fs.existsSync(explicit) ? path.resolve(explicit) : null;
  for (const candidate of default_seed_candidates()) {
    if (fs.existsSync(candidate)) return path.resolve(candidate);
  }
  return null;
}

// --- the markdown -------------------------------------------------------------------------------

/// The TypeScript blocks, each with the file its section names (or null) and its heading.
function typescript_blocks(markdown) {
  const blocks = [];
  let file = null;
  let heading = '';
  let fence = null;
  let body = [];
  let start = 0;
  const lines = markdown.split('\n');
  lines.forEach((line, index) => {
    if (fence !== null) {
      if (line.trim() === '```') {
        if (fence) blocks.push({ file, heading, line: start, text: body.join('\n') });
        fence = null;
      } else {
        body.push(line);
      }
      return;
    }
    const open = /^```\s*(\w*)/.exec(line);
    if (open) {
      fence = ['typescript', 'ts'].includes(open[1]);
      body = [];
      start = index + 2;
      return;
    }
    const h = /^#+\s+(.*)$/.exec(line);
    if (h) {
      heading = h[1].trim();
      const named = /\(([\w/.-]+\.ts)\)/.exec(heading);
      file = named ? named[1] : null;
      return;
    }
    const f = /^\*\*File\*\*:\s*`([^`]+)`/.exec(line);
    if (f) file = f[1].trim();
  });
  return blocks;
}

// --- TypeScript, just enough of it -------------------------------------------------------------

/// For every character: its bracket depth when it is code, -1 inside a string, template text or
/// comment. Handles nested template literals.
function code_depths(text) {
  const depth = new Int32Array(text.length).fill(-1);
  const stack = [];  // '{', '(', '[', '`' (template text), '${' (code inside a template)
  let d = 0;
  let i = 0;
  const in_template = () => stack.length > 0 && stack[stack.length - 1] === '`';
  while (i < text.length) {
    const c = text[i];
    if (in_template()) {
      if (c === '\\') { i += 2; continue; }
      if (c === '`') { stack.pop(); i += 1; continue; }
      if (c === '$' && text[i + 1] === '{') { stack.push('${'); d += 1; i += 2; continue; }
      i += 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i += 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (c === '"' || c === "'") {
      i += 1;
      while (i < text.length && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
      i += 1;
      continue;
    }
    if (c === '`') { stack.push('`'); i += 1; continue; }
    if (c === '{' || c === '(' || c === '[') { depth[i] = d; stack.push(c); d += 1; i += 1; continue; }
    if (c === '}' || c === ')' || c === ']') {
      stack.pop();
      d = Math.max(0, d - 1);
      depth[i] = d;
      i += 1;
      continue;
    }
    depth[i] = d;
    i += 1;
  }
  return depth;
}

const IMPORT = /^import\s[\s\S]*?\sfrom\s+(['"])[^'"\n]+\1;?[ \t]*$/gm;
const LABEL = /^[ \t]*(state|getters|actions)\s*:/gm;

/// A store block's parts: imports, and each `state:`/`getters:`/`actions:` value in order; a
/// block without labels is one `actions` part holding its methods.
function store_parts(text) {
  const imports = [];
  let rest = text.replace(IMPORT, (statement) => {
    imports.push(statement.trim().replace(/;$/, ''));
    return ' '.repeat(statement.length);
  });
  const depth = code_depths(rest);
  const labels = [];
  for (const match of rest.matchAll(LABEL)) {
    const label_at = match.index + match[0].indexOf(match[1]);
    if (depth[label_at] === 0) labels.push({ kind: match[1], line_start: match.index, value_start: match.index + match[0].length });
  }
  const parts = [];
  labels.forEach((label, k) => {
    // The value runs to the first top-level comma after its brackets, else to the next label.
    const limit = k + 1 < labels.length ? labels[k + 1].line_start : rest.length;
    let end = label.value_start;
    let entered = false;
    while (end < limit) {
      if (depth[end] > 0) entered = true;
      if (entered && depth[end] === 0 && rest[end] === ',') break;
      end += 1;
    }
    parts.push({ kind: label.kind, text: rest.slice(label.value_start, end).trim() });
  });
  if (parts.length === 0) {
    rest = rest.trim();
    if (rest.length > 0) parts.push({ kind: 'actions', text: `{\n${rest}\n}` });
  }
  return { imports, parts };
}

// --- assembly --------------------------------------------------------------------------------

/// The seed's placeholders for code it calls "existing", and what stands in for them.
const PLACEHOLDERS = [
  {
    pattern: /\/\/\s*\.\.\.\s*existing session creation logic\s*\.\.\./,
    replacement: "return this._startSigningSession(wallet, participantPeerIds, params)  // connsim: the project's session creation",
    what: 'proposeSpend: "// ... existing session creation logic ..." -> this._startSigningSession(wallet, participantPeerIds, params)',
  },
];

const STORES = {
  'stores/p2p.ts': {
    id: 'p2p', use: 'useP2PStore', base: 'p2p_base', state: 'p2pState', actions: 'p2pBaseActions', getters: 'p2pBaseGetters',
    implicit: [['useContactsStore', "import { useContactsStore } from './contacts'"]],
  },
  'stores/musig2.ts': {
    id: 'musig2', use: 'useMuSig2Store', base: 'musig2_base', state: 'musig2State', actions: 'musig2BaseActions', getters: null,
    implicit: [['useP2PStore', "import { useP2PStore } from './p2p'"]],
  },
};

function js_string(text) {
  return JSON.stringify(text.split(path.sep).join('/'));
}

function assemble_store(file, blocks, seed_path, notices) {
  const spec = STORES[file];
  const imports = [];
  const definitions = [];
  const spread = { state: [], getters: [], actions: [] };
  blocks.forEach((block, b) => {
    let text = block.text;
    for (const p of PLACEHOLDERS) {
      if (p.pattern.test(text)) {
        text = text.replace(p.pattern, p.replacement);
        notices.push(`substituted in ${file} (seed line ${block.line}): ${p.what}`);
      }
    }
    const { imports: found, parts } = store_parts(text);
    for (const statement of found) if (!imports.includes(statement)) imports.push(statement);
    parts.forEach((part, p) => {
      const name = `seed_${part.kind}_${b + 1}_${p + 1}`;
      definitions.push(`// ${block.heading} (seed line ${block.line}): ${part.kind}\nconst ${name}: any = ${part.text}\n`);
      spread[part.kind].push(name);
    });
  });
  const imported = imports.join('\n');
  for (const [name, statement] of spec.implicit) {
    if (!new RegExp(`\\b${name}\\b`).test(imported)) imports.push(`${statement}  // used by the seed without an import`);
  }
  const base = js_string(path.join(PROJECT_STORE, 'stores', spec.base));
  const base_names = [spec.state, spec.actions, spec.getters].filter(Boolean).join(', ');
  const state = spread.state.length > 0
    ? `() => ({ ...${spec.state}(), ${spread.state.map((s) => `...${s}()`).join(', ')} })`
    : spec.state;
  const getters = [spec.getters ? `...${spec.getters}` : null, ...spread.getters.map((g) => `...${g}`)].filter(Boolean);
  const actions = [`...${spec.actions}`, ...spread.actions.map((a) => `...${a}`)];
  return [
    `// Generated by js/seed/extract_seed.js from ${seed_path}. Do not edit: rerun the script.`,
    `// The project's "existing" parts (${spec.base}.ts), then the seed's blocks in document order.`,
    `import { defineStore } from 'pinia'`,
    `import { ${base_names} } from ${base}`,
    ...imports,
    '',
    ...definitions,
    `export const ${spec.use} = defineStore('${spec.id}', {`,
    `  state: ${state},`,
    `  getters: { ${getters.join(', ')} },`,
    `  actions: { ${actions.join(', ')} },`,
    `})`,
    '',
  ].join('\n');
}

/// Writes the assembled store into `out`; returns {notices, blocks}.
function extract(seed_path, out) {
  const markdown = fs.readFileSync(seed_path, 'utf8');
  const blocks = typescript_blocks(markdown);
  const notices = [];
  const by_file = new Map();
  for (const block of blocks) {
    if (block.file === null || !(block.file in STORES || block.file === 'types/p2p.ts')) {
      notices.push(`skipped the block at seed line ${block.line} (${block.heading}): it belongs to no store file`);
      continue;
    }
    if (!by_file.has(block.file)) by_file.set(block.file, []);
    by_file.get(block.file).push(block);
  }
  for (const file of Object.keys(STORES)) {
    if (!by_file.has(file)) throw new Error(`the seed has no block for ${file}`);
  }
  fs.mkdirSync(path.join(out, 'stores'), { recursive: true });
  fs.mkdirSync(path.join(out, 'services'), { recursive: true });
  fs.mkdirSync(path.join(out, 'types'), { recursive: true });
  for (const file of Object.keys(STORES)) {
    fs.writeFileSync(path.join(out, file), assemble_store(file, by_file.get(file), seed_path, notices));
  }
  const types = (by_file.get('types/p2p.ts') ?? []).map((b) => `// ${b.heading} (seed line ${b.line})\n${b.text}\n`);
  fs.writeFileSync(path.join(out, 'types', 'p2p.ts'),
    `// Generated by js/seed/extract_seed.js from ${seed_path}: the seed's types.\n${types.join('\n')}`);
  fs.writeFileSync(path.join(out, 'stores', 'contacts.ts'),
    `// Not in the seed: the project's contacts store.\nexport { useContactsStore } from ${js_string(path.join(PROJECT_STORE, 'stores', 'contacts'))}\n`);
  fs.writeFileSync(path.join(out, 'services', 'p2p.ts'),
    `// Not in the seed: the project's connection service (the ladder and retry).\nexport * from ${js_string(path.join(PROJECT_STORE, 'services', 'p2p'))}\n`);
  fs.writeFileSync(path.join(out, 'seed-notices.txt'), notices.join('\n') + '\n');
  return { notices, blocks: blocks.length };
}

function main(argv) {
  let seed = null;
  let out = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') seed = argv[++i];
    else if (argv[i] === '--out') out = argv[++i];
    else {
      process.stderr.write(`usage: extract_seed.js --out DIR [--seed FILE]\n`);
      return 1;
    }
  }
  if (!out) {
    process.stderr.write('usage: extract_seed.js --out DIR [--seed FILE]\n');
    return 1;
  }
  const found = find_seed(seed);
  if (!found) {
    process.stdout.write(`notice: the seed document is absent (${seed ?? default_seed_candidates().join(', ')}); nothing assembled\n`);
    return 3;
  }
  const { notices, blocks } = extract(found, out);
  for (const n of notices) process.stdout.write(`notice: ${n}\n`);
  process.stdout.write(`assembled a store from ${blocks} code blocks of ${found} into ${path.resolve(out)}\n`);
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`extract_seed: ${error.message}\n`);
    process.exitCode = 1;
  }
}

module.exports = { extract, find_seed, typescript_blocks, store_parts, code_depths };
