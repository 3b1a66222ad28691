#!/usr/bin/env node
// node check.mjs --kubectl KUBECTL [--bin DIR] [--min-replicas N] OVERLAY...
// Renders each overlay with kustomize, validates every object against the Kubernetes API
// schemas and the project's policies (policies.mjs), and exits 1 naming every problem.
import { parseArgs } from "node:util";
import { readBinaries } from "./binaries.mjs";
import { checkPolicies } from "./policies.mjs";
import { render } from "./render.mjs";
import { checkSchemas } from "./schema.mjs";
import { workloads } from "./workloads.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    kubectl: { type: "string", default: "kubectl" },
    bin: { type: "string" },
    "min-replicas": { type: "string", default: "1" },
  },
});
const minReplicas = Number(values["min-replicas"]);
if (positionals.length === 0 || !Number.isInteger(minReplicas) || minReplicas < 1) {
  console.error("usage: check.mjs --kubectl KUBECTL [--bin DIR] [--min-replicas N>=1] OVERLAY...");
  process.exit(2);
}

let failed = false;
for (const overlay of positionals) {
  let objects;
  try {
    objects = render(values.kubectl, overlay);
  } catch (e) {
    console.error(e.message);
    failed = true;
    continue;
  }
  const names = new Set(workloads(objects).map((w) => w.binary).filter(Boolean));
  const binaries = values.bin ? readBinaries(values.bin, names) : null;
  const problems = [...(await checkSchemas(objects)), ...checkPolicies(objects, { binaries, minReplicas })];
  for (const p of problems) console.log(`${overlay}: [${p.rule}] ${p.where}: ${p.message}`);
  console.log(`${overlay}: ${objects.length} objects, ${problems.length} problem(s)`);
  if (problems.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
