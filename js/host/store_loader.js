'use strict';
// StoreLoader: compiles a wallet's store sources from a path into one bundle, once, and
// evaluates that bundle afresh for every wallet process (and again at every reload), so each
// wallet has its own module state and its own copy of Pinia (one Pinia, one active Pinia, per
// wallet), while `vue` is shared.
//
// A store directory has the wallet's layout (TypeScript or JavaScript):
//   stores/p2p      exports useP2PStore
//   stores/musig2   exports useMuSig2Store
//   stores/contacts exports useContactsStore
// Imports may use the wallet's aliases `~/` and `@/` for the directory itself. The libp2p node
// is the module '@connsim/node' (js/store/connsim-node.d.ts), which the host provides per
// wallet. `pinia` and `vue` resolve from js/node_modules when the directory has none.

const fs = require('fs');
const path = require('path');
const vm = require('vm');

const JS_DIR = path.resolve(__dirname, '..');
const NODE_MODULES = path.join(JS_DIR, 'node_modules');
const EXTENSIONS = ['.ts', '.js', '.mjs', '.cjs'];

/// Resolves `~/x` or `@/x` under the store directory to a file, trying the usual extensions.
function resolve_alias(store_dir, rest) {
  const base = path.join(store_dir, rest);
  const candidates = [base, ...EXTENSIONS.map((ext) => base + ext),
    ...EXTENSIONS.map((ext) => path.join(base, 'index' + ext))];
  for (const candidate of candidates) {
    try {
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next one
    }
  }
  return null;
}

// The field-log exporter (js/store/export/field_log.ts) is the project's, whatever the store
// directory: it imports nothing, and `--export-log` asks it for a wallet's log.
const FIELD_LOG_EXPORTER = path.join(JS_DIR, 'store', 'export', 'field_log.ts');

const ENTRY = `
export { useP2PStore } from '~/stores/p2p'
export { useMuSig2Store } from '~/stores/musig2'
export { useContactsStore } from '~/stores/contacts'
export { createPinia, setActivePinia } from 'pinia'
export { createFieldLogExporter } from ${JSON.stringify(FIELD_LOG_EXPORTER)}
`;

class StoreLoader {
  constructor(store_dir) {
    this.store_dir = path.resolve(store_dir);
    this.script = null;
    this.vue = null;
  }

  /// Bundles the store. Throws an Error whose message lists esbuild's diagnostics.
  async build() {
    if (!fs.existsSync(this.store_dir) || !fs.statSync(this.store_dir).isDirectory()) {
      throw new Error(`store directory not found: ${this.store_dir}`);
    }
    const esbuild = require('esbuild');
    const store_dir = this.store_dir;
    const alias_plugin = {
      name: 'connsim-wallet-aliases',
      setup(build) {
        build.onResolve({ filter: /^[~@]\// }, (args) => {
          const file = resolve_alias(store_dir, args.path.slice(2));
          if (file === null) return { errors: [{ text: `cannot resolve ${args.path} under ${store_dir}` }] };
          return { path: file };
        });
      },
    };
    let result;
    try {
      result = await esbuild.build({
        stdin: { contents: ENTRY, resolveDir: store_dir, loader: 'ts', sourcefile: 'connsim-store-entry.ts' },
        bundle: true,
        format: 'cjs',
        platform: 'node',
        target: 'node18',
        write: false,
        external: ['vue', '@connsim/node'],
        nodePaths: [NODE_MODULES],
        define: { 'process.env.NODE_ENV': '"production"' },
        plugins: [alias_plugin],
        logLevel: 'silent',
        sourcemap: 'inline',
      });
    } catch (error) {
      const lines = (error.errors || []).map((e) =>
        (e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : '') + e.text);
      throw new Error(`cannot build the store in ${store_dir}: ${lines.join('; ') || error.message}`);
    }
    const code = result.outputFiles[0].text;
    this.script = new vm.Script(
      `(function (exports, require, module, __filename, __dirname, console) {${code}\n})`,
      { filename: path.join(store_dir, 'connsim-store-bundle.js') });
    this.vue = require('vue');
    return this;
  }

  /// Evaluates the bundle for one wallet process: returns its exports (the use*Store functions
  /// and that copy's createPinia/setActivePinia).
  instantiate(node, wallet_console) {
    const module = { exports: {} };
    const vue = this.vue;
    const host_require = (name) => {
      if (name === 'vue') return vue;
      if (name === '@connsim/node') return { node, default: node };
      return require(name);
    };
    const factory = this.script.runInThisContext();
    factory(module.exports, host_require, module, 'connsim-store-bundle.js', this.store_dir, wallet_console);
    for (const name of ['useP2PStore', 'useMuSig2Store', 'useContactsStore', 'createPinia', 'setActivePinia',
      'createFieldLogExporter']) {
      if (typeof module.exports[name] !== 'function') {
        throw new Error(`the store in ${this.store_dir} does not export ${name}`);
      }
    }
    return module.exports;
  }
}

module.exports = { StoreLoader, JS_DIR, NODE_MODULES };
