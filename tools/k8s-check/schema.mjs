// Every object against the Kubernetes API schema of its apiVersion and kind (kubernetes-models:
// the OpenAPI schemas of Kubernetes compiled to validators). A kind the package does not know
// (a CRD) is a problem too: nothing here may go unchecked.
import { describe } from "./render.mjs";

function modulePath(apiVersion) {
  // "v1" is the core group; "apps/v1", "networking.k8s.io/v1" are named groups.
  return `kubernetes-models/${apiVersion}`;
}

export async function checkSchemas(objects) {
  const problems = [];
  for (const object of objects) {
    const where = describe(object);
    if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
      problems.push({ rule: "schema", where, message: "has no apiVersion or kind" });
      continue;
    }
    let models;
    try {
      models = await import(modulePath(object.apiVersion));
    } catch {
      problems.push({ rule: "schema", where, message: `no schema for apiVersion ${object.apiVersion}` });
      continue;
    }
    const Model = models[object.kind];
    if (typeof Model !== "function") {
      problems.push({ rule: "schema", where, message: `no schema for ${object.apiVersion} ${object.kind}` });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (e) {
      problems.push({ rule: "schema", where, message: e.message });
    }
  }
  return problems;
}
