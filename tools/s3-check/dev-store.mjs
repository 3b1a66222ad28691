// The dev and test object store: s3rver (npm) with AWS Signature Version 4 verified, as S3 and
// MinIO verify it. s3rver 3.7 checks only a presigned URL's expiry and accepts any SigV4
// signature ("Signature version 4 calculation is unimplemented"), so a PUT with another
// Content-Type or Content-Length than the upload URL signed would be stored; here it is 403
// SignatureDoesNotMatch, before s3rver sees it. Anonymous requests (the CDN's reads) pass
// through to s3rver unchanged.
//
//   node dev-store.mjs -d DIR [-a ADDRESS] [-p PORT] [--silent] [--configure-bucket NAME]...
//
// Credentials: s3rver's fixed account, access key S3RVER, secret S3RVER.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import S3rver from "s3rver";
import { verifySigV4 } from "./sigv4-verify.mjs";

const require = createRequire(import.meta.url);
const S3Error = require("s3rver/lib/models/error");
const SECRETS = new Map([["S3RVER", "S3RVER"]]);

// An s3rver that verifies SigV4 before it routes a request; run() it, close() it.
export function createDevStore({ directory, address = "127.0.0.1", port = 0, silent = true,
                                 buckets = [] }) {
  const server = new S3rver({ directory, address, port, silent,
                              configureBuckets: buckets.map((name) => ({ name })) });
  // s3rver's error handling (XML bodies) wraps every middleware; its last two route.
  const verify = async (ctx, next) => {
    const outcome = verifySigV4({
      method: ctx.method, url: ctx.originalUrl, headers: ctx.headers,
      secretFor: (accessKey) => SECRETS.get(accessKey),
    });
    if (outcome.error) throw new S3Error(outcome.error.code, outcome.error.message);
    return next();
  };
  server.middleware.splice(server.middleware.length - 2, 0, verify);
  return server;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      directory: { type: "string", short: "d" },
      address: { type: "string", short: "a", default: "127.0.0.1" },
      port: { type: "string", short: "p", default: "4569" },
      silent: { type: "boolean", short: "s", default: false },
      "configure-bucket": { type: "string", multiple: true, default: [] },
    },
  });
  if (!values.directory) {
    console.error("usage: node dev-store.mjs -d DIR [-a ADDRESS] [-p PORT] [--silent] " +
                  "[--configure-bucket NAME]...");
    process.exit(2);
  }
  mkdirSync(values.directory, { recursive: true });
  const server = createDevStore({ directory: values.directory, address: values.address,
                                  port: Number(values.port), silent: values.silent,
                                  buckets: values["configure-bucket"] });
  const { address, port } = await server.run();
  if (!values.silent) console.log("dev object store (s3rver, SigV4 verified) on %s:%d", address, port);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.on(signal, () => server.close().then(() => process.exit(0)));
  }
}
