// libs/s3's presigned URLs against the AWS SDK's (@aws-sdk/s3-request-presigner) for the same
// inputs: the same URL, byte for byte, or the test fails naming both.
//   node presigner.mjs --presign <path to livedrop-s3-presign>
import { execFileSync } from "node:child_process";
import { S3Client, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";

process.removeAllListeners("warning");  // the SDK's notice about future Node.js versions
const tool = process.argv[process.argv.indexOf("--presign") + 1];
if (!tool || process.argv.indexOf("--presign") < 0) {
  console.error("usage: node presigner.mjs --presign <livedrop-s3-presign>");
  process.exit(2);
}

const cases = [
  { method: "put", endpoint: "http://127.0.0.1:4569", region: "us-east-1", bucket: "livedrop-media",
    key: "uploads/0b7c2f0e-4bd4-4a4e-9c39-52c34d9b1f60", contentType: "image/jpeg", length: 1234567,
    expires: 600, now: "2026-12-02T16:00:00Z" },
  { method: "put", endpoint: "https://s3.eu-west-1.amazonaws.com", region: "eu-west-1", bucket: "media",
    key: "odd key/ü+=&?.png", contentType: "image/png", length: 1, expires: 60, now: "2015-08-30T12:36:00Z" },
  { method: "put", endpoint: "http://minio:9000", region: "us-east-1", bucket: "b",
    key: "a/b/c.webp", contentType: "image/webp", length: 10485760, expires: 900, now: "2030-01-01T00:00:00Z" },
  { method: "get", endpoint: "http://localhost:4569", region: "us-east-1", bucket: "livedrop-media",
    key: "v/3f9a.webp", expires: 3600, now: "2026-12-02T16:00:00Z" },
];

const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
let failures = 0;
for (const c of cases) {
  const client = new S3Client({ region: c.region, endpoint: c.endpoint, forcePathStyle: true, credentials,
                                requestChecksumCalculation: "WHEN_REQUIRED",
                                responseChecksumValidation: "WHEN_REQUIRED" });
  const signingDate = new Date(c.now);
  const command = c.method === "put"
    ? new PutObjectCommand({ Bucket: c.bucket, Key: c.key, ContentType: c.contentType, ContentLength: c.length })
    : new GetObjectCommand({ Bucket: c.bucket, Key: c.key });
  const sdk = await getSignedUrl(client, command, {
    expiresIn: c.expires, signingDate,
    signableHeaders: c.method === "put" ? new Set(["content-type", "content-length"]) : undefined,
  });
  const ours = execFileSync(tool, [c.method, "--endpoint", c.endpoint, "--region", c.region,
    "--bucket", c.bucket, "--key", c.key, "--content-type", c.contentType ?? "",
    "--content-length", String(c.length ?? 0), "--expires", String(c.expires),
    "--now", String(signingDate.getTime() / 1000),
    "--access-key", credentials.accessKeyId, "--secret-key", credentials.secretAccessKey]).toString().trim();
  if (sdk !== ours) {
    failures++;
    console.error(`FAIL ${c.method} ${c.key}\n  sdk:  ${sdk}\n  ours: ${ours}`);
  } else {
    console.log(`ok   ${c.method} ${c.endpoint} ${c.key}`);
  }
}
process.exit(failures ? 1 : 0);
