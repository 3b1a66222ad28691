#!/usr/bin/env node
// GraphQL subscriptions over graphql-transport-ws, judged by the graphql-ws client (npm):
//
//   node subscription.mjs --url http://127.0.0.1:8080/graphql --creator <id> --token <buyer's>
//                         [--buy <units>] [--timeout-ms 45000]
//
// 1. Without a token, a dropEvents subscription gets an `error` whose extensions.code is
//    `unauthenticated`.
// 2. With a token that does not verify, the server closes the socket with 4403.
// 3. A dropEvents subscription without its $creatorId, or with one of the wrong type, gets an
//    `error` (BAD_USER_INPUT) when it subscribes, not a subscription that waits for nothing.
// 4. With the buyer's token in connectionParams ({"Authorization": "Bearer <token>"}),
//    dropEvents(creatorId) and myNotifications are subscribed; once the server has taken both
//    (a query answered on the same socket after them), the script prints READY: the caller then
//    starts a drop of that creator. The drop's drop_started must arrive live. With --buy N, the
//    script buys N units of that drop (placeOrder over HTTP, the whole stock) and then the
//    drop's sold_out must arrive on dropEvents and the buyer's order_confirmed on
//    myNotifications.
//
// Prints a line per finding (EVENT drop_started <dropId>, ...) and PASS at the end; exits 1 on
// the first failed expectation or when --timeout-ms passes.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

function parseArgs(argv) {
  const args = { buy: 0, timeoutMs: 45_000 };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    if (a === '--url') args.url = argv[++i];
    else if (a === '--creator') args.creator = argv[++i];
    else if (a === '--token') args.token = argv[++i];
    else if (a === '--buy') args.buy = Number(argv[++i]);
    else if (a === '--timeout-ms') args.timeoutMs = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.url || !args.creator || !args.token) {
    throw new Error('usage: subscription.mjs --url URL --creator ID --token TOKEN [--buy N]');
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const httpUrl = args.url;
const wsUrl = httpUrl.replace(/^http/, 'ws');

class Failure extends Error {}
const expect = (ok, what) => {
  if (!ok) throw new Failure(what);
};

function newClient(connectionParams) {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: true,
    retryAttempts: 0,
    connectionAckWaitTimeout: 5_000,
  });
}

// The outcome of a subscription that should end at once: its first error or completion.
function firstOutcome(client, payload, ms = 10_000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ kind: 'timeout' }), ms);
    client.subscribe(payload, {
      next: (value) => {
        clearTimeout(timer);
        resolve({ kind: 'next', value });
      },
      error: (error) => {
        clearTimeout(timer);
        resolve({ kind: 'error', error });
      },
      complete: () => {
        clearTimeout(timer);
        resolve({ kind: 'complete' });
      },
    });
  });
}

const kDropEvents = `subscription DropEvents($creatorId: ID!) {
  dropEvents(creatorId: $creatorId) { id type dropId time data }
}`;
// Through a fragment, as generated clients write it: the root field is found all the same.
const kMyNotifications = `subscription { ...Mine }
fragment Mine on Subscription { myNotifications { id type time data read } }`;

async function withoutToken() {
  const client = newClient(undefined);
  try {
    const out = await firstOutcome(client, {
      query: kDropEvents,
      variables: { creatorId: args.creator },
    });
    expect(out.kind === 'error', `without a token: expected an error, got ${out.kind}`);
    const errors = Array.isArray(out.error) ? out.error : [];
    const codes = errors.map((e) => e?.extensions?.code);
    expect(codes.includes('unauthenticated'),
      `without a token: expected extensions.code unauthenticated, got ${JSON.stringify(out.error)}`);
    console.log(`UNAUTHENTICATED ${JSON.stringify(errors[0])}`);
  } finally {
    await client.dispose();
  }
}

async function badToken() {
  const client = newClient({ Authorization: 'Bearer not-a-token' });
  try {
    const out = await firstOutcome(client, {
      query: kDropEvents,
      variables: { creatorId: args.creator },
    });
    expect(out.kind === 'error', `with a bad token: expected the socket closed, got ${out.kind}`);
    expect(out.error?.code === 4403,
      `with a bad token: expected close 4403, got ${out.error?.code ?? String(out.error)}`);
    console.log(`FORBIDDEN ${out.error.code} ${out.error.reason}`);
  } finally {
    await client.dispose();
  }
}

async function badVariables() {
  const client = newClient({ Authorization: `Bearer ${args.token}` });
  try {
    for (const [what, variables] of [['without $creatorId', undefined],
      ['with an object for $creatorId', { creatorId: { id: args.creator } }]]) {
      const out = await firstOutcome(client, { query: kDropEvents, variables });
      expect(out.kind === 'error',
        `${what}: expected an error, got ${out.kind} ${JSON.stringify(out.value ?? '')}`);
      const codes = (Array.isArray(out.error) ? out.error : []).map((e) => e?.extensions?.code);
      expect(codes.includes('BAD_USER_INPUT'),
        `${what}: expected BAD_USER_INPUT, got ${JSON.stringify(out.error)}`);
      console.log(`BAD_USER_INPUT ${JSON.stringify(out.error[0])}`);
    }
  } finally {
    await client.dispose();
  }
}

// A subscription whose events go into a queue that can be awaited for a matching event.
function liveSubscription(client, payload, field) {
  const seen = [];
  const waiters = [];
  let failure = null;
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  client.subscribe(payload, {
    next: (value) => {
      if (value.errors) failure = `${field} sent errors: ${JSON.stringify(value.errors)}`;
      else seen.push(value.data[field]);
      wake();
    },
    error: (error) => {
      failure = `${field} failed: ${JSON.stringify(error?.code ?? error)} ${error?.reason ?? ''}`;
      wake();
    },
    complete: () => {
      failure = failure ?? `${field} completed early`;
      wake();
    },
  });
  return {
    next(match, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = seen.find(match);
          if (found) {
            waiters.splice(waiters.indexOf(check), 1);
            resolve(found);
          } else if (failure) {
            waiters.splice(waiters.indexOf(check), 1);
            reject(new Failure(`${failure} (while waiting for ${what})`));
          }
        };
        waiters.push(check);
        check();
      });
    },
  };
}

async function graphqlOverHttp(query, variables) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Accept: 'application/graphql-response+json',
      Authorization: `Bearer ${args.token}`,
    },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json() };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Buys `units` of the drop in one order and waits for it to be confirmed (retrying the same
// idempotency key while the platform says the request is still in progress).
async function buy(dropId, units) {
  const key = `subscription-mjs-${dropId}`;
  const place = `mutation Buy($input: PlaceOrderInput!, $key: String!) {
    placeOrder(input: $input, idempotencyKey: $key) { id status failureCode }
  }`;
  const variables = { input: { dropId, quantity: units, paymentToken: 'tok_visa' }, key };
  for (let attempt = 0; attempt < 100; ++attempt) {
    const { body } = await graphqlOverHttp(place, variables);
    const order = body.data?.placeOrder;
    if (order?.status === 'CONFIRMED') return order;
    const code = body.errors?.[0]?.extensions?.code;
    const transient = ['request_in_progress', 'unavailable', 'deadline_exceeded'];
    if (order?.status === 'PENDING' || transient.includes(code)) {
      await sleep(200);
      continue;
    }
    throw new Failure(`placeOrder: ${JSON.stringify(body)}`);
  }
  throw new Failure('placeOrder never confirmed');
}

async function live() {
  const client = newClient({ Authorization: `Bearer ${args.token}` });
  try {
    const drops = liveSubscription(client,
      { query: kDropEvents, variables: { creatorId: args.creator } }, 'dropEvents');
    const notifications = liveSubscription(client, { query: kMyNotifications }, 'myNotifications');
    // Messages on one socket are handled in order: once this query is answered, the server
    // has taken both subscriptions.
    const barrier = await firstOutcome(client, { query: '{ __typename }' });
    expect(barrier.kind === 'next' && barrier.value?.data?.__typename === 'Query',
      `the query over the socket: ${barrier.kind} ${barrier.error?.code ?? ''} ` +
      `${barrier.error?.reason ?? JSON.stringify(barrier.value ?? barrier.error ?? '')}`);
    console.log('READY');

    const started = await drops.next((e) => e.type === 'drop_started', 'drop_started');
    expect(started.data?.creator_id === args.creator,
      `drop_started of another creator: ${JSON.stringify(started)}`);
    expect(typeof started.id === 'string' && started.id.length > 0 && started.time,
      `drop_started without id or time: ${JSON.stringify(started)}`);
    console.log(`EVENT drop_started ${started.dropId}`);
    if (args.buy > 0) {
      const order = await buy(started.dropId, args.buy);
      console.log(`ORDER ${order.id} ${order.status}`);
      const soldOut = await drops.next(
        (e) => e.type === 'sold_out' && e.dropId === started.dropId, 'sold_out');
      console.log(`EVENT sold_out ${soldOut.dropId}`);
      const confirmed = await notifications.next(
        (n) => n.type === 'order_confirmed' && n.data?.order_id === order.id, 'order_confirmed');
      expect(confirmed.read === false, `a live notification is unread: ${JSON.stringify(confirmed)}`);
      console.log(`NOTIFICATION order_confirmed ${confirmed.data.order_id}`);
    }
  } finally {
    await client.dispose();
  }
}

const deadline = setTimeout(() => {
  console.error(`FAIL: not done within ${args.timeoutMs} ms`);
  process.exit(1);
}, args.timeoutMs);

try {
  await withoutToken();
  await badToken();
  await badVariables();
  await live();
  console.log('PASS');
  clearTimeout(deadline);
  process.exit(0);
} catch (err) {
  console.error(`FAIL: ${err instanceof Failure ? err.message : err?.stack ?? err}`);
  process.exit(1);
}
