// The pod-running objects of a render and what the policies ask of them.
import { describe } from "./render.mjs";
import { endpoint } from "./network.mjs";

const POD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

export function workloads(objects) {
  return objects
    .filter((o) => POD_KINDS.has(o.kind))
    .map((o) => {
      const pod = o.spec?.template?.spec ?? {};
      const containers = [...(pod.initContainers ?? []), ...(pod.containers ?? [])];
      const ports = {};
      for (const c of pod.containers ?? []) {
        for (const p of c.ports ?? []) if (p.name) ports[p.name] = p.containerPort;
      }
      const namespace = o.metadata?.namespace ?? "";
      const labels = o.spec?.template?.metadata?.labels ?? {};
      return {
        object: o,
        where: describe(o),
        kind: o.kind,
        name: o.metadata?.name,
        namespace,
        pod,
        containers,
        labels,
        ports,
        endpoint: endpoint(namespace, labels, ports, namespaceLabels(objects, namespace)),
        binary: binaryOf(pod),
      };
    });
}

export function namespaceLabels(objects, namespace) {
  const ns = objects.find((o) => o.kind === "Namespace" && o.metadata?.name === namespace);
  return ns?.metadata?.labels ?? {};
}

// "livedrop-orders" when the pod's main container runs one of the project's binaries.
function binaryOf(pod) {
  const command = pod.containers?.[0]?.command?.[0];
  return typeof command === "string" && /^livedrop-[a-z]+$/.test(command) ? command : null;
}

export function ofKind(objects, kind) {
  return objects.filter((o) => o.kind === kind);
}

export function sameNamespace(a, b) {
  return (a.metadata?.namespace ?? "") === (b.metadata?.namespace ?? "");
}

// Kubernetes quantities ("250m", "1", "512Mi", "1Gi") as numbers, for requests <= limits.
export function quantity(value) {
  const m = String(value).match(/^([0-9.]+)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/);
  if (!m) return NaN;
  const scale = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };
  return Number(m[1]) * (m[2] ? scale[m[2]] : 1);
}
