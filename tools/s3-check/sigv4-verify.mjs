// Verifies an S3 request's AWS Signature Version 4, in the Authorization header or in a
// presigned URL's query, the way S3 does (docs.aws.amazon.com, "Authenticating Requests:
// Using Query Parameters / the Authorization Header"): the canonical request rebuilt from what
// arrived — method, path, query, the signed headers' values — must give the signature sent.
// So a PUT to an upload URL with another Content-Type or Content-Length than it signed fails.
// Expiry is s3rver's own check. The payload hash is the x-amz-content-sha256 the client sent
// (UNSIGNED-PAYLOAD for presigned URLs); the body is not hashed again here.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

const ALGORITHM = "AWS4-HMAC-SHA256";

// RFC 3986 unreserved characters stay; everything else is %XX, as SigV4 encodes.
const encode = (s) => encodeURIComponent(s).replace(/[!'()*]/g,
  (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decode = (s) => { try { return decodeURIComponent(s); } catch { return s; } };
const sha256 = (s) => createHash("sha256").update(s, "utf8").digest("hex");
const hmac = (key, s) => createHmac("sha256", key).update(s, "utf8").digest();

const refuse = (code, message) => ({ error: { code, message } });
const mismatch = () => refuse("SignatureDoesNotMatch",
  "The request signature we calculated does not match the signature you provided. " +
  "Check your key and signing method.");

function parseQuery(raw) {
  if (!raw) return [];
  return raw.split("&").filter(Boolean).map((pair) => {
    const at = pair.indexOf("=");
    return at < 0 ? [decode(pair), ""] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
  });
}

// The signature fields of one request, or null when it carries none (anonymous).
function signatureOf(query, headers) {
  const q = Object.fromEntries(query);
  if (q["X-Amz-Signature"] !== undefined) {
    return { credential: q["X-Amz-Credential"] ?? "", signedHeaders: q["X-Amz-SignedHeaders"] ?? "",
             signature: q["X-Amz-Signature"], date: q["X-Amz-Date"] ?? "",
             algorithm: q["X-Amz-Algorithm"] ?? "", payload: "UNSIGNED-PAYLOAD", inQuery: true };
  }
  const auth = headers.authorization;
  if (!auth || !auth.startsWith(`${ALGORITHM} `)) return null;
  const fields = Object.fromEntries(auth.slice(ALGORITHM.length + 1).split(",").map((part) => {
    const [k, ...v] = part.trim().split("=");
    return [k, v.join("=")];
  }));
  return { credential: fields.Credential ?? "", signedHeaders: fields.SignedHeaders ?? "",
           signature: fields.Signature ?? "", date: headers["x-amz-date"] ?? "",
           algorithm: ALGORITHM, payload: headers["x-amz-content-sha256"] ?? "", inQuery: false };
}

// { error: {code, message} } to refuse, {} to let the request through.
export function verifySigV4({ method, url, headers, secretFor }) {
  const at = url.indexOf("?");
  const path = at < 0 ? url : url.slice(0, at);
  const query = parseQuery(at < 0 ? "" : url.slice(at + 1));
  const sig = signatureOf(query, headers);
  if (!sig) return {};  // anonymous or SigV2: s3rver decides (the CDN reads public objects)
  if (sig.algorithm !== ALGORITHM) return refuse("AuthorizationQueryParametersError",
    `X-Amz-Algorithm must be ${ALGORITHM}`);
  const [accessKey, day, region, service, terminal, ...extra] = sig.credential.split("/");
  if (!accessKey || !day || !region || !service || terminal !== "aws4_request" || extra.length ||
      !sig.date.startsWith(day) || !sig.signedHeaders || !sig.payload) {
    return refuse("AuthorizationHeaderMalformed", "The credential scope, date or signed headers are malformed");
  }
  const secret = secretFor(accessKey);
  if (secret === undefined) return refuse("InvalidAccessKeyId",
    "The AWS Access Key Id you provided does not exist in our records.");
  const signed = sig.signedHeaders.split(";");
  if (!signed.includes("host")) return refuse("AuthorizationHeaderMalformed", "host must be signed");
  for (const name of signed) {
    if (headers[name] === undefined) return mismatch();  // a signed header that did not arrive
  }

  const canonicalQuery = query.filter(([k]) => !(sig.inQuery && k === "X-Amz-Signature"))
    .map(([k, v]) => [encode(k), encode(v)])
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join("&");
  const canonicalHeaders = signed.map((name) =>
    `${name}:${String(headers[name]).trim().replace(/\s+/g, " ")}\n`).join("");
  const canonicalRequest = [method, path, canonicalQuery, canonicalHeaders, sig.signedHeaders,
    sig.payload].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = [ALGORITHM, sig.date, scope, sha256(canonicalRequest)].join("\n");
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
  const expected = Buffer.from(hmac(key, stringToSign).toString("hex"));
  const given = Buffer.from(sig.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return mismatch();
  return {};
}
