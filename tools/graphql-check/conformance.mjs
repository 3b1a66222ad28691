#!/usr/bin/env node
// The gateway's GraphQL engine against graphql-js, the reference implementation.
//
//   node conformance.mjs --check build/dev/bin/livedrop-graphql-check \
//     --schema gateway/graphql_api/schema.graphql [--schema more.graphql ...] \
//     --corpus tools/graphql-check/corpus.json [--verbose]
//
// For every schema: the engine's PrintSchema equals graphql-js's printSchema of the SDL; the
// engine's answer to the standard introspection query builds a valid schema (buildClientSchema)
// that prints the same, and equals graphql-js's own answer. For the corpus (against the first
// schema): every document is accepted or rejected by both alike, with the same errors at the
// same locations; the corpus covers every validation rule; variables, where a document has
// them, are coerced alike. Messages that differ only by graphql-js's "Did you mean" hints are
// warnings. Exits 1 with a diff on any disagreement.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  GraphQLError,
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  getOperationAST,
  getVariableValues,
  graphqlSync,
  parse,
  printSchema,
  specifiedRules,
  validate,
  validateSchema,
} from 'graphql';

const INTROSPECTION_OPTIONS = {
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
};

function parseArgs(argv) {
  const args = { schemas: [], verbose: false };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--check') args.check = argv[++i];
    else if (a === '--schema') args.schemas.push(argv[++i]);
    else if (a === '--corpus') args.corpus = argv[++i];
    else if (a === '--verbose') args.verbose = true;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.check || args.schemas.length === 0) {
    throw new Error('usage: conformance.mjs --check BIN --schema SDL... [--corpus JSON] [--verbose]');
  }
  return args;
}

const failures = [];
const warnings = [];
const fail = (what, detail) => failures.push({ what, detail });
const warn = (what, detail) => warnings.push({ what, detail });

function engine(bin, args, input) {
  const r = spawnSync(bin, args, { input, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${bin} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  }
  return r.stdout;
}

// The first lines where two texts differ, with context, as a small unified diff.
function textDiff(expected, actual, context = 3) {
  const a = expected.split('\n');
  const b = actual.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) ++start;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    --endA;
    --endB;
  }
  const out = [`@@ line ${start + 1} @@`];
  for (let i = Math.max(0, start - context); i < start; ++i) out.push(`  ${a[i]}`);
  for (let i = start; i < Math.min(endA, start + 20); ++i) out.push(`- ${a[i]}`);
  for (let i = start; i < Math.min(endB, start + 20); ++i) out.push(`+ ${b[i]}`);
  for (let i = endA; i < Math.min(a.length, endA + context); ++i) out.push(`  ${a[i]}`);
  return out.join('\n');
}

// The paths where two JSON values differ (at most `limit`).
function jsonDiff(expected, actual, path = '$', out = [], limit = 200) {
  if (out.length >= limit) return out;
  if (isDeepStrictEqual(expected, actual)) return out;
  const isObj = (v) => v !== null && typeof v === 'object';
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) {
      out.push(`${path}: ${expected.length} items in graphql-js, ${actual.length} in the engine`);
    }
    for (let i = 0; i < Math.min(expected.length, actual.length); ++i) {
      const name = expected[i]?.name;
      jsonDiff(expected[i], actual[i], `${path}[${name !== undefined ? name : i}]`, out, limit);
    }
    return out;
  }
  if (isObj(expected) && isObj(actual) && !Array.isArray(expected) && !Array.isArray(actual)) {
    for (const k of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      if (!(k in actual)) out.push(`${path}.${k}: missing in the engine`);
      else if (!(k in expected)) out.push(`${path}.${k}: only in the engine`);
      else jsonDiff(expected[k], actual[k], `${path}.${k}`, out, limit);
    }
    return out;
  }
  out.push(`${path}: graphql-js ${JSON.stringify(expected)}, engine ${JSON.stringify(actual)}`);
  return out;
}

const stripNewline = (s) => s.replace(/\n$/, '');

function checkSchema(bin, file) {
  const sdl = readFileSync(file, 'utf8');
  const reference = buildSchema(sdl);
  const problems = validateSchema(reference);
  if (problems.length) {
    fail(`${file}: graphql-js finds the schema invalid`, problems.map((e) => e.message).join('\n'));
    return;
  }
  const expected = printSchema(reference);

  const printed = stripNewline(engine(bin, ['print-schema', file]));
  if (printed !== expected) {
    fail(`${file}: PrintSchema differs from graphql-js's printSchema`, textDiff(expected, printed));
  }

  const query = getIntrospectionQuery(INTROSPECTION_OPTIONS);
  const response = JSON.parse(engine(bin, ['introspect', file, '-'], query));
  if (response.errors || !response.data) {
    fail(`${file}: the introspection query failed`, JSON.stringify(response.errors, null, 2));
    return;
  }
  let client;
  try {
    client = buildClientSchema(response.data);
  } catch (e) {
    fail(`${file}: buildClientSchema rejects the engine's introspection`, e.message);
    return;
  }
  const clientProblems = validateSchema(client);
  if (clientProblems.length) {
    fail(`${file}: the schema built from introspection is invalid`,
      clientProblems.map((e) => e.message).join('\n'));
  }
  const fromIntrospection = printSchema(client);
  if (fromIntrospection !== expected) {
    fail(`${file}: printSchema(buildClientSchema(introspection)) differs from the SDL's`,
      textDiff(expected, fromIntrospection));
  }

  // The answer itself, field by field (types by name, then their order: graphql-js lists a
  // specified scalar after the first type that uses it).
  // Two things are left out: the prose of the introspection types' own descriptions (each
  // implementation words them), and graphql-js 16.11's OneOf Input Objects (the @oneOf directive
  // and __Type.isOneOf), which postdate the October 2021 specification the engine implements.
  const referenceAnswer = graphqlSync({ schema: reference, source: query });
  const byName = (types) => Object.fromEntries(types.map((t) => [t.name, t]));
  const exp = structuredClone(referenceAnswer.data.__schema);
  const act = structuredClone(response.data.__schema);
  exp.directives = exp.directives.filter((d) => d.name !== 'oneOf');
  for (const t of exp.types) {
    if (t.name === '__Type') t.fields = t.fields.filter((f) => f.name !== 'isOneOf');
  }
  for (const side of [exp, act]) {
    for (const t of side.types.filter((type) => type.name.startsWith('__'))) {
      delete t.description;
      for (const member of [...(t.fields ?? []), ...(t.enumValues ?? [])]) delete member.description;
    }
  }
  const expTypes = exp.types.map((t) => t.name);
  const actTypes = act.types.map((t) => t.name);
  exp.types = byName(exp.types);
  act.types = byName(act.types);
  const diffs = jsonDiff(exp, act);
  if (diffs.length) {
    fail(`${file}: the introspection answer differs from graphql-js's`, diffs.join('\n'));
  } else if (!isDeepStrictEqual(expTypes, actTypes)) {
    fail(`${file}: __schema.types come in another order than graphql-js's`,
      `graphql-js: ${expTypes.join(' ')}\nengine:     ${actTypes.join(' ')}`);
  }
  console.log(`ok   ${file}: PrintSchema, introspection, buildClientSchema`);
}

const locationsOf = (e) => (e.locations ?? []).map(({ line, column }) => ({ line, column }));
const simplify = (errors) => errors.map((e) => ({ message: e.message, locations: locationsOf(e) }));
// graphql-js suggests names ("Did you mean ...?") where the engine does not.

function referenceCheck(schema, entry) {
  let document;
  try {
    document = parse(entry.query);
  } catch (e) {
    if (!(e instanceof GraphQLError)) throw e;
    return { accepted: false, errors: simplify([e]), syntax: true };
  }
  const errors = validate(schema, document);
  return { accepted: errors.length === 0, errors: simplify(errors), document };
}

// Which of graphql-js's rules reject a document (one rule at a time).
function rulesRejecting(schema, document) {
  return specifiedRules
    .filter((rule) => validate(schema, document, [rule]).length > 0)
    .map((rule) => rule.name.replace(/Rule$/, ''));
}

function compareErrors(name, expected, actual, label) {
  const key = (e) => JSON.stringify(e.locations);
  const exp = [...expected].sort((a, b) => key(a).localeCompare(key(b)));
  const act = [...actual].sort((a, b) => key(a).localeCompare(key(b)));
  const expLocs = exp.map(key);
  const actLocs = act.map(key);
  if (!isDeepStrictEqual(expLocs, actLocs)) {
    fail(`${name}: ${label} at other locations`,
      `graphql-js: ${JSON.stringify(expected, null, 1)}\nengine:     ${JSON.stringify(actual, null, 1)}`);
    return;
  }
  const order = (list) => list.map((e) => `${key(e)} ${e.message}`);
  if (!isDeepStrictEqual(order(expected), order(actual)) &&
      isDeepStrictEqual(order(exp), order(act))) {
    warn(`${name}: ${label} in another order`, order(expected).join('\n'));
  }
  for (let i = 0; i < exp.length; ++i) {
    // The same words, "Did you mean …?" suggestions included.
    if (exp[i].message === act[i].message) continue;
    fail(`${name}: another message at ${key(exp[i])}`,
      `graphql-js: ${exp[i].message}\nengine:     ${act[i].message}`);
  }
}

function checkCorpus(bin, schemaFile, corpusFile, verbose) {
  const corpus = JSON.parse(readFileSync(corpusFile, 'utf8'));
  const schema = buildSchema(readFileSync(schemaFile, 'utf8'));
  const results = JSON.parse(engine(bin, ['corpus', schemaFile, corpusFile]));
  if (results.length !== corpus.length) {
    fail('corpus', `the engine answered ${results.length} of ${corpus.length} documents`);
    return;
  }
  const names = new Set();
  const covered = new Set();
  let agree = 0;
  let valid = 0;
  let syntax = 0;
  corpus.forEach((entry, i) => {
    const name = `corpus[${i}] ${entry.name}`;
    if (names.has(entry.name)) fail(name, 'the name is used twice in the corpus');
    names.add(entry.name);
    const before = failures.length;
    const ref = referenceCheck(schema, entry);
    const got = results[i];
    if (ref.accepted) ++valid;
    if (ref.syntax) ++syntax;
    if (typeof entry.valid === 'boolean' && entry.valid !== ref.accepted) {
      fail(name, `the corpus says valid: ${entry.valid}, graphql-js says ${ref.accepted}` +
        (ref.accepted ? '' : `: ${JSON.stringify(ref.errors)}`));
    }
    if (ref.accepted !== got.accepted) {
      fail(`${name}: graphql-js ${ref.accepted ? 'accepts' : 'rejects'} it, the engine ` +
        `${got.accepted ? 'accepts' : 'rejects'} it`,
      `query: ${entry.query}\ngraphql-js: ${JSON.stringify(ref.errors, null, 1)}\n` +
        `engine:     ${JSON.stringify(got.errors, null, 1)}`);
    } else {
      compareErrors(name, ref.errors, got.errors, 'errors');
    }
    if (ref.document && !ref.accepted) {
      const rules = rulesRejecting(schema, ref.document);
      rules.forEach((r) => covered.add(r));
      if (verbose) console.log(`     ${entry.name}: ${rules.join(', ')}`);
    }
    // The engine's own limits: none unless the corpus expects one.
    const limitCodes = (got.limitErrors ?? []).map((e) => e.code);
    if (!isDeepStrictEqual(limitCodes, entry.limits ?? [])) {
      fail(`${name}: the engine's limits`,
        `expected ${JSON.stringify(entry.limits ?? [])}, got ${JSON.stringify(got.limitErrors)}`);
    }
    if (ref.accepted && entry.variables !== undefined) {
      const op = getOperationAST(ref.document, entry.operationName);
      const coerced = getVariableValues(schema, op.variableDefinitions ?? [], entry.variables);
      const expected = simplify(coerced.errors ?? []);
      compareErrors(name, expected, got.variableErrors ?? [], 'variable errors');
    }
    if (failures.length === before) ++agree;
  });
  const rules = specifiedRules.map((r) => r.name.replace(/Rule$/, ''));
  const missing = rules.filter((r) => !covered.has(r));
  if (missing.length) fail('corpus', `no document breaks these rules: ${missing.join(', ')}`);
  console.log(`${agree === corpus.length ? 'ok  ' : 'FAIL'} corpus: ${agree} of ${corpus.length} ` +
    `documents agree (${valid} valid, ${corpus.length - valid} invalid of which ${syntax} ` +
    `syntax errors; ${covered.size} of ${rules.length} validation rules covered)`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  for (const file of args.schemas) checkSchema(args.check, file);
  if (args.corpus) checkCorpus(args.check, args.schemas[0], args.corpus, args.verbose);
  for (const w of warnings) {
    console.log(`warn ${w.what}${args.verbose ? `\n${indent(w.detail)}` : ''}`);
  }
  for (const f of failures) console.log(`FAIL ${f.what}\n${indent(f.detail)}`);
  console.log(`${failures.length} failures, ${warnings.length} warnings` +
    (warnings.length && !args.verbose ? ' (--verbose shows them in full)' : ''));
  process.exit(failures.length ? 1 : 0);
}

const indent = (s) => String(s).split('\n').map((l) => `     ${l}`).join('\n');

main();
