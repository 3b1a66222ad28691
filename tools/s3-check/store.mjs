// libs/s3's S3ObjectStore and presigned URLs against a real S3-compatible server (s3rver, with
// SigV4 verified: dev-store.mjs) and the AWS SDK's client (@aws-sdk/client-s3) on the same
// bucket: what one writes the other reads; what a signature does not allow the store refuses.
//   node store.mjs --tool <path to livedrop-s3-presign>
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import assert from "node:assert/strict";
import { createDevStore } from "./dev-store.mjs";
import { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

process.removeAllListeners("warning");
const tool = process.argv[process.argv.indexOf("--tool") + 1];
const dir = mkdtempSync(join(tmpdir(), "livedrop-s3-store-"));
const server = createDevStore({ directory: join(dir, "data"), buckets: ["media"] });
const { port } = await server.run();
const endpoint = `http://127.0.0.1:${port}`;
const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const sdk = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials,
                           requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
// Asynchronously: s3rver runs in this process and must keep answering.
const run = (args) => new Promise((resolve) => {
  execFile(tool, args, { encoding: "buffer" }, (error, stdout, stderr) =>
    resolve({ status: error ? (error.code ?? 1) : 0, stdout, stderr }));
});
const ours = (...args) => run([...args, "--endpoint", endpoint, "--bucket", "media",
  "--access-key", "S3RVER", "--secret-key", "S3RVER"]);
let failures = 0;
async function check(name, fn) {
  try { await fn(); console.log(`ok   ${name}`); }
  catch (e) { failures++; console.error(`FAIL ${name}\n  ${e.message}`); }
}

const bytes = Buffer.from(Array.from({ length: 70000 }, (_, i) => (i * 31) & 0xff));
await check("an object the SDK put is read by S3ObjectStore (head and get)", async () => {
  await sdk.send(new PutObjectCommand({ Bucket: "media", Key: "sdk/a.bin", Body: bytes, ContentType: "image/png" }));
  const head = await ours("object-head", "--key", "sdk/a.bin");
  assert.equal(head.status, 0, head.stderr.toString());
  const [size, type] = head.stdout.toString().trim().split(" ");
  assert.equal(Number(size), bytes.length);
  assert.equal(type, "image/png");
  const got = await ours("object-get", "--key", "sdk/a.bin");
  assert.equal(got.status, 0, got.stderr.toString());
  assert.ok(Buffer.compare(got.stdout, bytes) === 0, "the same bytes");
  assert.equal((await ours("object-head", "--key", "sdk/none")).status, 3, "no object: exit 3");
});

await check("an object S3ObjectStore put is read by the SDK, and deleted", async () => {
  const file = join(dir, "b.bin");
  writeFileSync(file, bytes);
  const put = await ours("object-put", "--key", "ours/b.webp", "--file", file, "--content-type", "image/webp");
  assert.equal(put.status, 0, put.stderr.toString());
  const got = await sdk.send(new GetObjectCommand({ Bucket: "media", Key: "ours/b.webp" }));
  assert.equal(got.ContentType, "image/webp");
  assert.ok(Buffer.compare(Buffer.from(await got.Body.transformToByteArray()), bytes) === 0);
  assert.equal((await ours("object-delete", "--key", "ours/b.webp")).status, 0);
  await assert.rejects(sdk.send(new HeadObjectCommand({ Bucket: "media", Key: "ours/b.webp" })));
});

await check("a PUT to libs/s3's presigned URL stores the bytes; to the SDK's too", async () => {
  const url = (await run(["put", "--endpoint", endpoint, "--bucket", "media", "--key", "up/c",
    "--content-type", "image/jpeg", "--content-length", String(bytes.length),
    "--access-key", "S3RVER", "--secret-key", "S3RVER"])).stdout.toString().trim();
  const r = await fetch(url, { method: "PUT", body: bytes, headers: { "Content-Type": "image/jpeg" } });
  assert.equal(r.status, 200, await r.text());
  const sdkUrl = await getSignedUrl(sdk, new PutObjectCommand({ Bucket: "media", Key: "up/d",
    ContentType: "image/jpeg", ContentLength: bytes.length }), { expiresIn: 60,
    signableHeaders: new Set(["content-type", "content-length"]) });
  const r2 = await fetch(sdkUrl, { method: "PUT", body: bytes, headers: { "Content-Type": "image/jpeg" } });
  assert.equal(r2.status, 200);
  for (const key of ["up/c", "up/d"]) {
    const got = await ours("object-get", "--key", key);
    assert.ok(Buffer.compare(got.stdout, bytes) === 0, key);
  }
});

await check("a PUT with another Content-Type or Content-Length than signed is refused by the store", async () => {
  const presign = async (key) => (await run(["put", "--endpoint", endpoint, "--bucket", "media",
    "--key", key, "--content-type", "image/jpeg", "--content-length", String(bytes.length),
    "--access-key", "S3RVER", "--secret-key", "S3RVER"])).stdout.toString().trim();
  const type = await fetch(await presign("up/type"), { method: "PUT", body: bytes,
    headers: { "Content-Type": "image/png" } });
  assert.equal(type.status, 403);
  assert.match(await type.text(), /SignatureDoesNotMatch/);
  const longer = Buffer.concat([bytes, Buffer.from("more")]);
  const length = await fetch(await presign("up/length"), { method: "PUT", body: longer,
    headers: { "Content-Type": "image/jpeg" } });
  assert.equal(length.status, 403);
  assert.match(await length.text(), /SignatureDoesNotMatch/);
  const url = new URL(await presign("up/key"));
  url.pathname = "/media/up/other-key";  // the signature names up/key
  const key = await fetch(url, { method: "PUT", body: bytes, headers: { "Content-Type": "image/jpeg" } });
  assert.equal(key.status, 403);
  const forged = new URL(await presign("up/forged"));
  forged.searchParams.set("X-Amz-Signature", "0".repeat(64));
  const bad = await fetch(forged, { method: "PUT", body: bytes, headers: { "Content-Type": "image/jpeg" } });
  assert.equal(bad.status, 403);
  for (const k of ["up/type", "up/length", "up/other-key", "up/forged"]) {
    assert.equal((await ours("object-head", "--key", k)).status, 3, `${k}: nothing stored`);
  }
});

await check("a request signed with another secret is refused; the same with the right one is not", async () => {
  const wrong = await run(["object-head", "--key", "sdk/a.bin", "--endpoint", endpoint, "--bucket", "media",
    "--access-key", "S3RVER", "--secret-key", "not-the-secret"]);
  assert.notEqual(wrong.status, 0, "a wrong secret is refused");
  assert.equal((await ours("object-head", "--key", "sdk/a.bin")).status, 0);
});

await check("an expired presigned URL is refused by the store", async () => {
  const url = (await run(["put", "--endpoint", endpoint, "--bucket", "media", "--key", "up/late",
    "--content-type", "image/jpeg", "--content-length", String(bytes.length), "--expires", "60",
    "--now", String(Math.floor(Date.now() / 1000) - 600),
    "--access-key", "S3RVER", "--secret-key", "S3RVER"])).stdout.toString().trim();
  const r = await fetch(url, { method: "PUT", body: bytes, headers: { "Content-Type": "image/jpeg" } });
  assert.equal(r.status, 403);
  assert.match(await r.text(), /expired/);
  assert.equal((await ours("object-head", "--key", "up/late")).status, 3);
});

await server.close();
rmSync(dir, { recursive: true, force: true });
process.exit(failures ? 1 : 0);
