// Loads the reader packages from tests/node/node_modules (package.json and package-lock.json
// there pin them). ES modules do not search NODE_PATH, so packages are resolved explicitly.
// A missing package is an error that names the fix, never a skipped check.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const nodePackageDir =
    process.env.DE_NODE_PACKAGE_DIR ?? path.resolve(here, '..', '..', 'node');

const require = createRequire(path.join(nodePackageDir, 'package.json'));

async function load(specifier) {
  let resolved;
  try {
    resolved = require.resolve(specifier);
  } catch (error) {
    throw new Error(`cannot find '${specifier}' under ${nodePackageDir}/node_modules ` +
                    `(run \`npm ci\` in ${nodePackageDir}): ${error.message}`);
  }
  const module = await import(pathToFileURL(resolved).href);
  // A CommonJS package arrives as { default: exports, ...the named exports Node could detect }.
  const cjsExports = module.default && typeof module.default === 'object' ? module.default : {};
  return { ...cjsExports, ...module };
}

export const duckdb = await load('@duckdb/node-api');
export const hyparquet = await load('hyparquet');
export const hyparquetColumn = await load('hyparquet/src/column.js');
export const hyparquetBloom = await load('hyparquet/src/bloom.js');
export const { compressors } = await load('hyparquet-compressors');
export const parquetWasm = await load('parquet-wasm');
export const arrow = await load('apache-arrow');
