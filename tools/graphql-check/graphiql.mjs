#!/usr/bin/env node
// GraphiQL as a browser sees it: the gateway's page in headless Chromium (Debian's chromium,
// driven by puppeteer-core), every asset from the gateway itself.
//
//   node graphiql.mjs --url http://127.0.0.1:8080/graphql --screenshot out.png
//                     [--chromium /usr/bin/chromium] [--expect <text>] [--timeout-ms 60000]
//                     [--token <access token> --creator <creator id>]
//
// Checks, in order: the page loads with Accept text/html and makes no request off the gateway
// (no CDN); the query editor appears; the page posted an introspection query and the
// documentation explorer shows the schema's Query type with its fields; a query put in the
// editor and run (the execute button) fills the result pane with `data` (containing --expect,
// if given) and no errors. With --token and --creator, a subscription follows as a user would
// run it: the token goes in the Headers tab ({"Authorization": "Bearer …"}, which GraphiQL sends
// as connection_init's payload), a `follow` mutation is run with it, then
// `dropEvents(creatorId)` is put in the editor and run; once the
// browser has sent the subscribe frame the script prints SUBSCRIBED (the caller then starts a
// drop of that creator) and waits for the result pane to show the drop_started event, printing
// EVENT drop_started <dropId>. Saves a screenshot either way and prints its path. Prints a line per
// finding and PASS at the end; exits 1 on the first failed expectation, 2 if Chromium cannot
// start, and stops by itself after --timeout-ms.
import puppeteer from 'puppeteer-core';

function parseArgs(argv) {
  const args = { chromium: '/usr/bin/chromium', timeoutMs: 60_000 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--url') args.url = argv[++i];
    else if (a === '--screenshot') args.screenshot = argv[++i];
    else if (a === '--chromium') args.chromium = argv[++i];
    else if (a === '--expect') args.expect = argv[++i];
    else if (a === '--timeout-ms') args.timeoutMs = Number(argv[++i]);
    else if (a === '--token') args.token = argv[++i];
    else if (a === '--creator') args.creator = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.url || !args.screenshot) {
    throw new Error('usage: graphiql.mjs --url URL --screenshot PNG [--chromium BIN] [--expect TEXT]');
  }
  if (Boolean(args.token) !== Boolean(args.creator)) {
    throw new Error('--token and --creator go together');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const kQuery = '{ drops(first: 5) { edges { node { id status } } } }';
const kStepMs = 15_000;  // each wait of the page
const kDropStartedMs = 30_000;  // from SUBSCRIBED to the event in the result pane

class Failure extends Error {}
const expect = (ok, what) => {
  if (!ok) throw new Failure(what);
};

const deadline = setTimeout(() => {
  console.error(`FAIL: not done within ${args.timeoutMs} ms`);
  process.exit(1);
}, args.timeoutMs);

// The text of the editor whose CodeMirror sits under `selector`.
const setEditor = (page, selector, text) => page.evaluate((sel, value) => {
  document.querySelector(sel).CodeMirror.setValue(value);
}, selector, text);
const resultText = (page) => page.evaluate(() =>
  document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());

// Puts `text` in the query editor and runs it from the execute button. GraphiQL decides HTTP
// or WebSocket from the editor's parsed document (updated 100 ms after an edit), so the run
// waits for it to say `operation`: sooner, a subscription would be POSTed.
async function runInEditor(page, text, operation) {
  await setEditor(page, '.graphiql-query-editor .CodeMirror', text);
  await page.waitForFunction((op) => document.querySelector('.graphiql-query-editor .CodeMirror')
    .CodeMirror.documentAST?.definitions?.[0]?.operation === op, {}, operation);
  await page.click('.graphiql-execute-button');
}

// As a signed-in user: a mutation, then dropEvents, from GraphiQL's own editors and WebSocket.
async function runSignedIn(page) {
  const cdp = await page.createCDPSession();
  await cdp.send('Network.enable');
  let subscribeSent;
  const subscribed = new Promise((resolve) => { subscribeSent = resolve; });
  const frames = [];
  cdp.on('Network.webSocketCreated', ({ url }) => console.log(`WEBSOCKET ${url}`));
  cdp.on('Network.webSocketFrameSent', ({ response }) => {
    const frame = JSON.parse(response.payloadData);
    if (frame.type === 'subscribe') subscribeSent(frame);
  });
  cdp.on('Network.webSocketFrameReceived', ({ response }) => {
    frames.push(JSON.parse(response.payloadData));
  });

  await page.click('.graphiql-editor-tools button[data-name="headers"]');
  const headers = 'section.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror';
  await page.waitForSelector(headers);
  await setEditor(page, headers, JSON.stringify({ Authorization: `Bearer ${args.token}` }));

  // A mutation first, authorized by that header: the user follows the creator.
  await runInEditor(page, `mutation { follow(creatorId: "${args.creator}") { creatorId following } }`,
    'mutation');
  await page.waitForFunction(() => document.querySelector('.result-window .CodeMirror')
    ?.CodeMirror.getValue().includes('"follow"'));
  const followed = JSON.parse(await resultText(page));
  expect(!followed.errors && followed.data?.follow?.following === true,
    `the follow mutation answered ${JSON.stringify(followed)}`);
  console.log(`MUTATION ${JSON.stringify(followed)}`);

  await runInEditor(page,
    `subscription { dropEvents(creatorId: "${args.creator}") { type dropId time } }`,
    'subscription');
  const frame = await Promise.race([
    subscribed,
    new Promise((_, reject) => setTimeout(
      () => reject(new Failure('GraphiQL sent no subscribe frame')), kStepMs)),
  ]);
  expect(frames.some((f) => f.type === 'connection_ack'),
    `no connection_ack before subscribe: ${JSON.stringify(frames)}`);
  console.log(`SUBSCRIBED ${frame.id}`);

  await page.waitForFunction(() => {
    const cm = document.querySelector('.result-window .CodeMirror')?.CodeMirror;
    return cm && cm.getValue().includes('drop_started');
  }, { timeout: kDropStartedMs });
  const event = JSON.parse(await resultText(page));
  expect(!event.errors, `the subscription answered errors: ${JSON.stringify(event)}`);
  const { type, dropId } = event.data.dropEvents;
  console.log(`EVENT ${type} ${dropId}`);
  await cdp.detach();
}

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: args.chromium,
    headless: true,
    // Tests run as root, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--disable-dev-shm-usage'],
    protocolTimeout: kStepMs,
    timeout: kStepMs,
  });
} catch (err) {
  console.error(`FAIL: Chromium (${args.chromium}) did not start: ${err.message}`);
  process.exit(2);
}

const origin = new URL(args.url).origin;
let page;
let exitCode = 1;
try {
  page = await browser.newPage();
  page.setDefaultTimeout(kStepMs);
  await page.setViewport({ width: 1400, height: 900 });
  const offSite = [];
  const introspections = [];
  const pageErrors = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) {
      offSite.push(request.url());
    }
    const body = request.postData() ?? '';
    if (request.method() === 'POST' && body.includes('__schema')) introspections.push(request);
  });
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('response', (r) => {
    if (r.status() >= 400) console.log(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') {
      console.log(`console.error: ${message.text()}`);
      pageErrors.push(`console.error: ${message.text()}`);
    }
  });

  const response = await page.goto(args.url, { waitUntil: 'networkidle0' });
  expect(response?.status() === 200, `GET ${args.url}: ${response?.status()}`);
  expect((response.headers()['content-type'] ?? '').startsWith('text/html'),
    `GET ${args.url}: ${response.headers()['content-type']}`);
  console.log(`PAGE ${response.status()} ${await page.title()}`);

  await page.waitForSelector('.graphiql-query-editor .CodeMirror');
  console.log('EDITOR ready');

  // GraphiQL introspects as it starts; the response must be a schema it could build.
  await page.waitForFunction(() => document.querySelector('.graphiql-sidebar') !== null);
  const introspection = introspections.find((r) => r.response() !== null);
  expect(introspection, 'the page made no introspection POST');
  const schema = await introspection.response().json();
  expect(schema?.data?.__schema?.queryType?.name === 'Query',
    `introspection answered ${JSON.stringify(schema).slice(0, 300)}`);
  console.log(`INTROSPECTION ${introspection.response().status()} ` +
    `${schema.data.__schema.types.length} types`);

  // The documentation explorer: open it, follow the Query type, and find its fields.
  const docs = await page.$('.graphiql-doc-explorer');
  if (!docs) {
    await page.click('.graphiql-sidebar button[aria-label*="Documentation Explorer"]');
  }
  await page.waitForSelector('.graphiql-doc-explorer .graphiql-doc-explorer-root-type');
  await page.evaluate(() => {
    const root = [...document.querySelectorAll('.graphiql-doc-explorer-root-type')]
      .find((e) => e.textContent === 'query');
    root?.parentElement?.querySelector('a')?.click();
  });
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('.graphiql-doc-explorer-field-name')]
      .map((e) => e.textContent);
    return names.includes('drops') && names.includes('me');
  });
  const fields = await page.$$eval('.graphiql-doc-explorer-field-name', (es) =>
    es.map((e) => e.textContent));
  console.log(`DOCS Query fields: ${fields.join(' ')}`);

  // The query goes in as a paste would (CodeMirror's own API: typing would fight its
  // auto-closing brackets), then runs from the execute button.
  await page.evaluate((query) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
  }, kQuery);
  const answered = page.waitForResponse((r) => r.request().method() === 'POST' &&
    (r.request().postData() ?? '').includes('drops(first: 5)'));
  await page.click('.graphiql-execute-button');
  const run = await answered;
  console.log(`RUN ${run.status()} ${run.headers()['content-type']}`);
  await page.waitForFunction(() => {
    const cm = document.querySelector('.result-window .CodeMirror')?.CodeMirror;
    return cm && cm.getValue().includes('"data"');
  });
  const result = await page.evaluate(() =>
    document.querySelector('.result-window .CodeMirror').CodeMirror.getValue());
  const parsed = JSON.parse(result);
  console.log(`RESULT ${JSON.stringify(parsed)}`);
  expect(!parsed.errors, `the query answered errors: ${result}`);
  expect(Array.isArray(parsed.data?.drops?.edges), `no drops in the result: ${result}`);
  if (args.expect) expect(result.includes(args.expect), `the result lacks ${args.expect}`);
  if (args.token) await runSignedIn(page);
  expect(offSite.length === 0, `requests off the gateway: ${offSite.join(' ')}`);
  expect(pageErrors.length === 0, `errors on the page: ${pageErrors.join(' | ')}`);
  exitCode = 0;
} catch (err) {
  console.error(`FAIL: ${err instanceof Failure ? err.message : err?.stack ?? err}`);
} finally {
  try {
    if (page) {
      await page.screenshot({ path: args.screenshot, fullPage: true });
      console.log(`SCREENSHOT ${args.screenshot}`);
    }
  } catch (err) {
    console.error(`no screenshot: ${err.message}`);
    exitCode = 1;
  }
  await browser.close().catch(() => {});
}
if (exitCode === 0) console.log('PASS');
clearTimeout(deadline);
process.exit(exitCode);
