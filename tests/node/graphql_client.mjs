// A client built on the reference GraphQL implementation (npm `graphql`), against a running
// `data-exporter serve`. Used by tests/e2e/api_test.py.
//
//   node graphql_client.mjs schema URL [--token T] [--sdl FILE]
//     Runs getIntrospectionQuery() (every option on), rebuilds the schema with
//     buildClientSchema, checks it with assertValidSchema and prints printSchema() of it.
//     With --sdl, the rebuilt schema must equal the schema FILE defines (both sorted with
//     lexicographicSortSchema and printed); a difference is printed to stderr, exit 3.
//
//   node graphql_client.mjs flow URL START END [--token T]
//     requestData(startTime: START, endTime: END), then requestStatus until it leaves
//     "In Progress" (every 100 ms, at most 120 s), through a plain fetch. Prints
//     { "id": ..., "seen": [[status, progress], ...], "final": { status, progress,
//       dataRequestDownloadLinks } }.
//
// Exit 1 on a GraphQL or HTTP error (printed to stderr), 2 on bad usage.
import { readFileSync } from 'node:fs';
import {
  assertValidSchema,
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
} from 'graphql';

function usage() {
  process.stderr.write(
    'usage: node graphql_client.mjs schema URL [--token T] [--sdl FILE]\n' +
      '       node graphql_client.mjs flow URL START END [--token T]\n');
  process.exit(2);
}

// Positional arguments and --name value options.
function parseArgs(argv) {
  const positional = [];
  const options = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) {
      if (i + 1 >= argv.length) usage();
      options[argv[i].slice(2)] = argv[++i];
    } else {
      positional.push(argv[i]);
    }
  }
  return { positional, options };
}

// POSTs one GraphQL request; returns `data`, or exits 1 on an HTTP or GraphQL error.
async function graphql(url, token, query, variables) {
  const headers = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json;q=0.9',
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify(variables ? { query, variables } : { query }),
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok || !body || body.errors) {
    process.stderr.write(`HTTP ${response.status}: ${text}\n`);
    process.exit(1);
  }
  return body.data;
}

async function schemaCommand(url, options) {
  const query = getIntrospectionQuery({
    descriptions: true,
    specifiedByUrl: true,
    directiveIsRepeatable: true,
    schemaDescription: true,
    inputValueDeprecation: true,
  });
  const data = await graphql(url, options.token, query);
  const schema = buildClientSchema(data);
  assertValidSchema(schema);
  const printed = printSchema(schema);
  process.stdout.write(printed + '\n');
  if (options.sdl) {
    const expected = printSchema(lexicographicSortSchema(buildSchema(readFileSync(options.sdl, 'utf8'))));
    const actual = printSchema(lexicographicSortSchema(schema));
    if (expected !== actual) {
      process.stderr.write(
        `the introspected schema differs from ${options.sdl}\n--- expected\n${expected}\n` +
          `--- introspected\n${actual}\n`);
      process.exit(3);
    }
  }
}

async function flowCommand(url, start, end, options) {
  if (!/^-?\d+$/.test(start) || !/^-?\d+$/.test(end)) usage();
  const submitted = await graphql(
    url, options.token, `mutation { requestData(startTime: ${start}, endTime: ${end}) }`);
  const id = submitted.requestData;
  const seen = [];
  const deadline = Date.now() + 120_000;
  for (;;) {
    const data = await graphql(
      url, options.token,
      'mutation Status($id: String!) { requestStatus(requestId: $id) ' +
        '{ status progress dataRequestDownloadLinks } }',
      { id });
    const status = data.requestStatus;
    seen.push([status.status, status.progress]);
    if (status.status !== 'In Progress') {
      process.stdout.write(JSON.stringify({ id, seen, final: status }) + '\n');
      return;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`request ${id} still In Progress after 120 s\n`);
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const { positional, options } = parseArgs(process.argv.slice(2));
const [command, url, ...rest] = positional;
if (command === 'schema' && url && rest.length === 0) {
  await schemaCommand(url, options);
} else if (command === 'flow' && url && rest.length === 2) {
  await flowCommand(url, rest[0], rest[1], options);
} else {
  usage();
}
