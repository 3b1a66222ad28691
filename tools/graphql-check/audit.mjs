#!/usr/bin/env node
// The GraphQL-over-HTTP audit of the graphql-http package (the specification's own checks)
// against a running gateway:
//
//   node audit.mjs --url http://127.0.0.1:8080/graphql
//
// Prints one line per audit (ok / notice / warn / error, its id and name, and the reason of
// anything not ok), then a summary line. Exits 1 if any MUST fails (graphql-http reports those
// as `error`) or if the audit did not run at all; SHOULDs and MAYs only warn.
import { auditServer } from 'graphql-http';

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--url') args.url = argv[++i];
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!args.url) throw new Error('usage: audit.mjs --url http://HOST:PORT/graphql');
  return args;
}

// Every request of the audit is bounded, so a gateway that hangs fails the run instead of
// stalling it.
const kRequestTimeoutMs = 10_000;
const boundedFetch = (input, init = {}) =>
  fetch(input, { ...init, signal: AbortSignal.timeout(kRequestTimeoutMs) });

async function main() {
  const { url } = parseArgs(process.argv.slice(2));
  const results = await auditServer({ url, fetchFn: boundedFetch });
  const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
  const mustTotal = results.filter((r) => r.name.startsWith('MUST')).length;
  for (const r of results) {
    counts[r.status] = (counts[r.status] ?? 0) + 1;
    let line = `${r.status.padEnd(6)} ${r.id} ${r.name}`;
    if (r.status !== 'ok') {
      let body = '';
      try {
        body = (await r.response.text()).slice(0, 300);
      } catch {
        // the body was already read by the audit, or the request failed
      }
      line += `\n         reason: ${r.reason}` +
        (r.response ? ` (HTTP ${r.response.status} ${r.response.headers.get('content-type')}` +
          `${body ? `: ${body}` : ''})` : '');
    }
    console.log(line);
  }
  const mustPassed = results.filter((r) => r.name.startsWith('MUST') && r.status === 'ok').length;
  console.log(`AUDIT ${results.length} audits: MUST ${mustPassed}/${mustTotal} passed, ` +
    `${counts.warn} warn, ${counts.notice} notice, ${counts.error} error`);
  if (results.length === 0 || mustTotal === 0) {
    console.error('the audit ran no checks');
    return 1;
  }
  return counts.error > 0 || mustPassed !== mustTotal ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('audit failed to run:', err);
    process.exit(2);
  },
);
