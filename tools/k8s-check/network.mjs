// What NetworkPolicies let through, evaluated as the Kubernetes API defines it: a pod is
// isolated for ingress (egress) once any policy of its namespace selects it with that type, and
// then only what some rule of those policies allows gets through. Enough of the semantics for
// the policy tests: label selectors, pod/namespace peers, ipBlock (taken as matching anything),
// numbered and named ports with endPort.

export function selects(selector, labels) {
  if (selector === undefined || selector === null) return false;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, expr.key);
    const inValues = has && (expr.values ?? []).includes(labels[expr.key]);
    if (expr.operator === "In" && !inValues) return false;
    if (expr.operator === "NotIn" && inValues) return false;
    if (expr.operator === "Exists" && !has) return false;
    if (expr.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

// A pod as the policies see it: { namespace, namespaceLabels, labels, ports: {name: number} }.
export function endpoint(namespace, labels, ports = {}, namespaceLabels = {}) {
  return {
    namespace,
    labels,
    ports,
    namespaceLabels: { "kubernetes.io/metadata.name": namespace, ...namespaceLabels },
  };
}

function types(policy) {
  if (policy.spec.policyTypes) return policy.spec.policyTypes;
  return policy.spec.egress ? ["Ingress", "Egress"] : ["Ingress"];
}

function peerMatches(peer, policyNamespace, pod) {
  if (peer.ipBlock) return true;
  const podOk = peer.podSelector ? selects(peer.podSelector, pod.labels) : true;
  const nsOk = peer.namespaceSelector
    ? selects(peer.namespaceSelector, pod.namespaceLabels)
    : pod.namespace === policyNamespace;
  return podOk && nsOk;
}

function portMatches(ports, port, target) {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== "TCP") return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") return target.ports[p.port] === port;
    return p.endPort ? port >= p.port && port <= p.endPort : p.port === port;
  });
}

// Does traffic of `direction` ("Ingress" or "Egress") pass the policies of `subject`'s
// namespace, subject being the destination (ingress) or the source (egress)?
function passes(policies, direction, subject, peer, port, target) {
  const applying = policies.filter(
    (p) =>
      (p.metadata.namespace ?? "") === subject.namespace &&
      types(p).includes(direction) &&
      selects(p.spec.podSelector, subject.labels),
  );
  if (applying.length === 0) return true;
  const key = direction === "Ingress" ? "from" : "to";
  return applying.some((p) =>
    (p.spec[direction.toLowerCase()] ?? []).some((rule) => {
      const peers = rule[key];
      const peerOk =
        !peers || peers.length === 0 || peers.some((x) => peerMatches(x, subject.namespace, peer));
      return peerOk && portMatches(rule.ports, port, target);
    }),
  );
}

// Does `destination` let `source` in on `port`, whatever the source's own policies say? Who
// may reach a port is the destination's policy to decide.
export function admits(policies, source, destination, port) {
  return passes(policies, "Ingress", destination, source, port, destination);
}

// Can `source` open a TCP connection to `destination` on `port`? Both ends' policies count.
export function allows(policies, source, destination, port) {
  return (
    passes(policies, "Egress", source, destination, port, destination) &&
    passes(policies, "Ingress", destination, source, port, destination)
  );
}
