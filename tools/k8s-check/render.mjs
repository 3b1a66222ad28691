// The objects an overlay renders to, from the real kustomize (`kubectl kustomize`).
import { execFileSync } from "node:child_process";
import { parseAllDocuments } from "yaml";

export function render(kubectl, overlay) {
  let out;
  try {
    out = execFileSync(kubectl, ["kustomize", overlay], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 << 20,
    });
  } catch (e) {
    throw new Error(`${kubectl} kustomize ${overlay} failed: ${(e.stderr || e.message).trim()}`);
  }
  return parseObjects(out, overlay);
}

export function parseObjects(text, origin) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors[0].message}`);
    const object = doc.toJS();
    if (object !== null && object !== undefined) objects.push(object);
  }
  return objects;
}

// "Deployment livedrop-dev/livedrop-orders": how problems name an object.
export function describe(object) {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? ns + "/" : ""}${object.metadata?.name}`;
}
