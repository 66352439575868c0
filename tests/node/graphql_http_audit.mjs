// The GraphQL-over-HTTP conformance audit of npm `graphql-http` (auditServer) against a running
// `data-exporter serve`. Used by tests/e2e/api_test.py.
//
//   node graphql_http_audit.mjs URL [--token T]
//
// Prints one line per audit: "<ok|error|warn|notice> <id> <name>", then the reason and the
// response of each failure. Exits 1 when any MUST or SHOULD audit did not pass (MAY audits are
// printed, not required), 2 on bad usage.
import { auditServer } from 'graphql-http';

const args = process.argv.slice(2);
let url;
let token;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--token' && i + 1 < args.length) token = args[++i];
  else if (!url && !args[i].startsWith('--')) url = args[i];
  else {
    process.stderr.write('usage: node graphql_http_audit.mjs URL [--token T]\n');
    process.exit(2);
  }
}
if (!url) {
  process.stderr.write('usage: node graphql_http_audit.mjs URL [--token T]\n');
  process.exit(2);
}

// Adds the bearer token to every audit request when one is given.
function fetchWithToken(input, init = {}) {
  if (!token) return fetch(input, init);
  const headers = new Headers(init.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: fetchWithToken });
let required = 0;
const failed = [];
for (const result of results) {
  const level = result.name.split(' ')[0];
  if (level === 'MUST' || level === 'SHOULD') required++;
  process.stdout.write(`${result.status.padEnd(6)} ${result.id} ${result.name}\n`);
  if (result.status !== 'ok') {
    let body = '';
    try {
      body = await result.response.text();
    } catch {
      body = '(body already read)';
    }
    process.stdout.write(
      `       reason: ${result.reason}\n       response: HTTP ${result.response.status} ` +
        `${result.response.headers.get('content-type')} ${body.slice(0, 500)}\n`);
    if (level === 'MUST' || level === 'SHOULD') failed.push(result);
  }
}
process.stdout.write(
  `${results.length} audits, ${required} MUST/SHOULD, ${failed.length} of those failed\n`);
process.exit(failed.length === 0 ? 0 : 1);
