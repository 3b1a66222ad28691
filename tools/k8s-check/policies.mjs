// The project's rules for what it deploys, over the objects of one rendered overlay. Each rule
// returns problems ({rule, where, message}); none means the overlay may be applied.
import { describe } from "./render.mjs";
import { admits, allows, endpoint, selects } from "./network.mjs";
import { ofKind, quantity, sameNamespace, workloads } from "./workloads.mjs";

export const AUTOSCALED = ["livedrop-gateway", "livedrop-orders", "livedrop-inventory", "livedrop-notifications"];

// Who may knock from outside the namespace: the ingress controller and Prometheus, as their
// usual installs label them; an unlabelled pod of the namespace stands for anything else.
const INGRESS_CONTROLLER = endpoint("ingress-nginx", { "app.kubernetes.io/name": "ingress-nginx" });
const PROMETHEUS = endpoint("monitoring", { "app.kubernetes.io/name": "prometheus" });
const DNS = endpoint("kube-system", { "k8s-app": "kube-dns" });
const intruder = (namespace) => endpoint(namespace, { "app.kubernetes.io/name": "intruder" });

export function checkPolicies(objects, options = {}) {
  const ctx = {
    objects,
    workloads: workloads(objects),
    binaries: options.binaries ?? null,
    minReplicas: options.minReplicas ?? 1,
    autoscaled: options.autoscaled ?? AUTOSCALED,
    problems: [],
  };
  ctx.deployments = ctx.workloads.filter((w) => w.kind === "Deployment");
  ctx.policies = ofKind(objects, "NetworkPolicy");
  ctx.hpas = ofKind(objects, "HorizontalPodAutoscaler");
  for (const rule of RULES) rule(ctx);
  return ctx.problems;
}

function problem(ctx, rule, where, message) {
  ctx.problems.push({ rule, where, message });
}

// --- pods --------------------------------------------------------------------------------

function probes(ctx) {
  for (const w of ctx.workloads) {
    if (w.kind === "Job") continue;
    const wanted = w.kind === "Deployment"
      ? ["startupProbe", "readinessProbe", "livenessProbe"]
      : ["readinessProbe", "livenessProbe"];
    for (const c of w.pod.containers ?? []) {
      for (const probe of wanted) {
        if (!c[probe]) {
          problem(ctx, "probes", w.where, `container ${c.name} has no ${probe}`);
          continue;
        }
        const port = c[probe].httpGet?.port ?? c[probe].tcpSocket?.port ?? c[probe].grpc?.port;
        if (typeof port === "string" && !(port in w.ports)) {
          problem(ctx, "probes", w.where, `${probe} of ${c.name} names port ${port}, which no container has`);
        }
      }
    }
  }
}

function resources(ctx) {
  for (const w of ctx.workloads) {
    for (const c of w.containers) {
      for (const kind of ["requests", "limits"]) {
        for (const r of ["cpu", "memory"]) {
          if (c.resources?.[kind]?.[r] === undefined) {
            problem(ctx, "resources", w.where, `container ${c.name} has no ${kind}.${r}`);
          }
        }
      }
      for (const r of ["cpu", "memory"]) {
        const req = quantity(c.resources?.requests?.[r]);
        const lim = quantity(c.resources?.limits?.[r]);
        if (req > lim) problem(ctx, "resources", w.where, `container ${c.name} requests more ${r} than its limit`);
      }
    }
  }
}

function security(ctx) {
  for (const w of ctx.workloads) {
    const pod = w.pod.securityContext ?? {};
    for (const flag of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (w.pod[flag]) problem(ctx, "security", w.where, `sets ${flag}`);
    }
    for (const c of w.containers) {
      const sc = c.securityContext ?? {};
      const say = (m) => problem(ctx, "security", w.where, `container ${c.name} ${m}`);
      if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) say("may run as root (runAsNonRoot is not true)");
      if ((sc.runAsUser ?? pod.runAsUser) === 0) say("runs as uid 0");
      if (sc.allowPrivilegeEscalation !== false) say("allows privilege escalation");
      if (sc.privileged === true) say("is privileged");
      if (!(sc.capabilities?.drop ?? []).includes("ALL")) say("does not drop ALL capabilities");
      if ((sc.capabilities?.add ?? []).length > 0) say("adds capabilities");
      const seccomp = (sc.seccompProfile ?? pod.seccompProfile)?.type;
      if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") say("has no RuntimeDefault seccomp profile");
      // The platform's own pods never write their image; a dependency's image may have to.
      if (w.kind === "Deployment" && sc.readOnlyRootFilesystem !== true) say("has a writable root filesystem");
    }
  }
}

function images(ctx) {
  for (const w of ctx.workloads) {
    for (const c of w.containers) {
      const tag = String(c.image ?? "").split("/").pop().split(":")[1];
      if (!tag || tag === "latest") problem(ctx, "images", w.where, `container ${c.name} image ${c.image} is not pinned to a tag`);
    }
  }
}

function spread(ctx) {
  for (const w of ctx.deployments) {
    const ok = (w.pod.topologySpreadConstraints ?? []).some(
      (t) => t.topologyKey === "kubernetes.io/hostname" && selects(t.labelSelector, w.labels),
    );
    if (!ok) problem(ctx, "topology", w.where, "does not spread its pods over nodes (topologySpreadConstraints on kubernetes.io/hostname selecting them)");
  }
}

// --- configuration -----------------------------------------------------------------------

function lookup(ctx, namespace, kind, name, key) {
  const o = ctx.objects.find(
    (x) => x.kind === kind && x.metadata?.name === name && (x.metadata?.namespace ?? "") === namespace,
  );
  if (!o) return { missing: `${kind} ${name}` };
  if (kind === "ConfigMap") return key in (o.data ?? {}) ? { value: o.data[key] } : { missing: `key ${key} of ${kind} ${name}` };
  if (key in (o.stringData ?? {})) return { value: o.stringData[key] };
  if (key in (o.data ?? {})) return { value: Buffer.from(o.data[key], "base64").toString() };
  return { missing: `key ${key} of ${kind} ${name}` };
}

function envValue(ctx, w, env) {
  if (env.value !== undefined) return { value: env.value };
  const cm = env.valueFrom?.configMapKeyRef;
  if (cm) return lookup(ctx, w.namespace, "ConfigMap", cm.name, cm.key);
  const s = env.valueFrom?.secretKeyRef;
  if (s) return lookup(ctx, w.namespace, "Secret", s.name, s.key);
  return { value: undefined };
}

// The value of a binary's variable in its main container, or undefined.
function configured(ctx, w, name) {
  const env = (w.pod.containers?.[0]?.env ?? []).find((e) => e.name === name);
  return env ? envValue(ctx, w, env).value : undefined;
}

function environment(ctx) {
  for (const w of ctx.workloads) {
    for (const c of w.containers) {
      for (const env of c.env ?? []) {
        const v = envValue(ctx, w, env);
        if (v.missing) problem(ctx, "config", w.where, `${c.name} reads ${env.name} from ${v.missing}, which the overlay does not have`);
      }
    }
    if (!w.binary) continue;
    const main = w.pod.containers[0];
    if (main.envFrom) problem(ctx, "config", w.where, "takes envFrom: the platform's binaries get each LIVEDROP_* variable by name");
    if ((main.args ?? []).length > 0) problem(ctx, "config", w.where, "passes args: configuration goes only through LIVEDROP_* variables");
    for (const env of main.env ?? []) {
      if (!env.name.startsWith("LIVEDROP_")) problem(ctx, "config", w.where, `sets ${env.name}: only LIVEDROP_* variables configure the platform`);
    }
    const declared = ctx.binaries?.[w.binary];
    if (!ctx.binaries) continue;
    if (!declared) {
      problem(ctx, "config", w.where, `runs ${w.binary}, which is not among the built binaries`);
      continue;
    }
    const set = new Set((main.env ?? []).map((e) => e.name));
    for (const name of set) {
      if (!declared.envs.has(name)) problem(ctx, "config", w.where, `sets ${name}, which ${w.binary} does not read (not in its --help)`);
    }
    for (const name of declared.required) {
      if (!set.has(name)) problem(ctx, "config", w.where, `does not set ${name}, which ${w.binary} requires`);
    }
  }
}

// --- availability ------------------------------------------------------------------------

function hpaOf(ctx, w) {
  return ctx.hpas.find(
    (h) => sameNamespace(h, w.object) && h.spec?.scaleTargetRef?.kind === "Deployment" && h.spec.scaleTargetRef.name === w.name,
  );
}

function effectiveReplicas(ctx, w) {
  const hpa = hpaOf(ctx, w);
  return hpa ? hpa.spec.minReplicas ?? 1 : w.object.spec?.replicas ?? 1;
}

function autoscaling(ctx) {
  for (const h of ctx.hpas) {
    const ref = h.spec?.scaleTargetRef ?? {};
    const target = ctx.deployments.find((w) => w.name === ref.name && sameNamespace(h, w.object));
    if (ref.kind !== "Deployment" || !target) problem(ctx, "autoscaling", describe(h), `scales ${ref.kind} ${ref.name}, which the overlay does not have`);
    if ((h.spec?.minReplicas ?? 1) > h.spec?.maxReplicas) problem(ctx, "autoscaling", describe(h), "has minReplicas above maxReplicas");
  }
  for (const w of ctx.deployments) {
    const hpa = hpaOf(ctx, w);
    if (!hpa && ctx.autoscaled.includes(w.name)) problem(ctx, "autoscaling", w.where, "has no HorizontalPodAutoscaler");
    if (hpa && w.object.spec?.replicas !== undefined) {
      problem(ctx, "autoscaling", w.where, "sets replicas although an HPA scales it: every apply would reset the HPA's count");
    }
  }
}

function replicas(ctx) {
  for (const w of ctx.deployments) {
    const n = effectiveReplicas(ctx, w);
    if (n < ctx.minReplicas) problem(ctx, "replicas", w.where, `runs ${n} replica(s), fewer than ${ctx.minReplicas}`);
  }
}

function disruptionBudgets(ctx) {
  const pdbs = ofKind(ctx.objects, "PodDisruptionBudget");
  for (const w of ctx.deployments) {
    const pdb = pdbs.find((p) => sameNamespace(p, w.object) && selects(p.spec?.selector, w.labels));
    if (!pdb) {
      problem(ctx, "disruption", w.where, "has no PodDisruptionBudget selecting its pods");
      continue;
    }
    const n = effectiveReplicas(ctx, w);
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (maxUnavailable === 0 || maxUnavailable === "0%" || (typeof minAvailable === "number" && minAvailable >= n) || minAvailable === "100%") {
      problem(ctx, "disruption", describe(pdb), `lets no pod of ${w.name} go (${n} replica(s)): every node drain would stall`);
    }
  }
}

// --- services ----------------------------------------------------------------------------

function selected(ctx, service) {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return [];
  return ctx.workloads.filter((w) => sameNamespace(w.object, service) && selects({ matchLabels: selector }, w.labels));
}

function targetPort(service, port, w) {
  const target = port.targetPort ?? port.port;
  if (typeof target === "string") return w.ports[target];
  return Object.values(w.ports).includes(target) ? target : undefined;
}

function services(ctx) {
  for (const s of ofKind(ctx.objects, "Service")) {
    const pods = selected(ctx, s);
    if (pods.length === 0) {
      problem(ctx, "services", describe(s), "selects no pods");
      continue;
    }
    for (const port of s.spec.ports ?? []) {
      if (!pods.some((w) => targetPort(s, port, w) !== undefined)) {
        problem(ctx, "services", describe(s), `port ${port.name ?? port.port} targets ${port.targetPort ?? port.port}, which its pods do not expose`);
      }
    }
  }
  for (const ing of ofKind(ctx.objects, "Ingress")) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const b = p.backend?.service;
        const s = ofKind(ctx.objects, "Service").find((x) => x.metadata?.name === b?.name && sameNamespace(x, ing));
        const port = s?.spec.ports?.find((x) => (b.port?.name ? x.name === b.port.name : x.port === b.port?.number));
        if (!s || !port) problem(ctx, "services", describe(ing), `routes ${p.path} to ${b?.name}:${b?.port?.name ?? b?.port?.number}, which is no Service port here`);
      }
    }
  }
}

// host[:port] of a Service of this render → { workload, port } it reaches, or null.
function resolve(ctx, namespace, host, port) {
  const [name, ns = namespace] = host.split(".");
  const s = ofKind(ctx.objects, "Service").find((x) => x.metadata?.name === name && (x.metadata?.namespace ?? "") === ns);
  if (!s) return null;
  const sp = (s.spec.ports ?? []).find((p) => p.port === port);
  for (const w of selected(ctx, s)) {
    const tp = sp && targetPort(s, sp, w);
    if (tp !== undefined) return { service: s, workload: w, port: tp };
  }
  return { service: s, workload: null, port: undefined };
}

function hostPorts(value) {
  if (!value) return [];
  if (/^[a-z]+:\/\//.test(value)) {
    const u = new URL(value);
    const defaults = { "postgresql:": 5432, "postgres:": 5432, "redis:": 6379, "rediss:": 6379, "http:": 80, "https:": 443 };
    return [{ host: u.hostname, port: Number(u.port || defaults[u.protocol]) }];
  }
  return value.split(",").map((hp) => {
    const i = hp.lastIndexOf(":");
    return { host: hp.slice(0, i), port: Number(hp.slice(i + 1)) };
  });
}

// --- network -----------------------------------------------------------------------------

function isolation(ctx) {
  const namespaces = new Set(ctx.workloads.map((w) => w.namespace));
  for (const ns of namespaces) {
    const deny = ctx.policies.some(
      (p) => (p.metadata?.namespace ?? "") === ns && Object.keys(p.spec?.podSelector ?? { x: 1 }).length === 0 &&
        (p.spec.policyTypes ?? []).includes("Ingress") && (p.spec.policyTypes ?? []).includes("Egress") &&
        !(p.spec.ingress ?? []).length && !(p.spec.egress ?? []).length,
    );
    if (!deny) problem(ctx, "network", `namespace ${ns || "(none)"}`, "has no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)");
  }
  for (const w of ctx.workloads) {
    const own = ctx.policies.some(
      (p) => sameNamespace(p, w.object) && Object.keys(p.spec?.podSelector ?? {}).length > 0 && selects(p.spec.podSelector, w.labels),
    );
    if (!own) problem(ctx, "network", w.where, "is selected by no NetworkPolicy of its own");
    if (!allows(ctx.policies, w.endpoint, DNS, 53)) problem(ctx, "network", w.where, "cannot reach DNS");
    for (const [name, port] of Object.entries(w.ports)) {
      if (admits(ctx.policies, intruder(w.namespace), w.endpoint, port)) {
        problem(ctx, "network", w.where, `port ${name} is open to any pod of the namespace`);
      }
    }
  }
}

// Every service a binary calls (its --<service>-addr options, or without --help the
// LIVEDROP_<SERVICE>_ADDR it is given) is reachable from it; no one else reaches a gRPC port.
function callers(ctx) {
  const edges = new Set();
  for (const w of ctx.deployments.filter((d) => d.binary)) {
    const callees = ctx.binaries?.[w.binary]?.callees ??
      new Set((w.pod.containers[0].env ?? []).map((e) => e.name.match(/^LIVEDROP_([A-Z]+)_ADDR$/)?.[1]?.toLowerCase()).filter(Boolean));
    for (const callee of callees) {
      const name = `LIVEDROP_${callee.toUpperCase()}_ADDR`;
      const value = configured(ctx, w, name);
      if (value === undefined) {
        problem(ctx, "callers", w.where, `${w.binary} calls livedrop-${callee} but ${name} is not set (it would dial 127.0.0.1)`);
        continue;
      }
      for (const { host, port } of hostPorts(value)) {
        const target = resolve(ctx, w.namespace, host, port);
        if (!target?.workload) {
          problem(ctx, "callers", w.where, `${name}=${value}: ${host}:${port} is no Service port of a workload here`);
          continue;
        }
        if (target.service.spec.clusterIP !== "None") {
          problem(ctx, "callers", describe(target.service), `is not headless: gRPC clients of ${w.name} would balance nothing`);
        }
        edges.add(`${w.name}->${target.workload.name}`);
        if (!allows(ctx.policies, w.endpoint, target.workload.endpoint, target.port)) {
          problem(ctx, "callers", w.where, `cannot reach ${target.workload.name} on port ${target.port}, which it calls`);
        }
      }
    }
  }
  for (const dst of ctx.deployments.filter((d) => d.ports.grpc !== undefined)) {
    for (const src of ctx.workloads) {
      if (src === dst || edges.has(`${src.name}->${dst.name}`)) continue;
      if (admits(ctx.policies, src.endpoint, dst.endpoint, dst.ports.grpc)) {
        problem(ctx, "callers", dst.where, `gRPC port is open to ${src.name}, which does not call it`);
      }
    }
  }
}

// The variables that name a dependency's address: the binaries' database, cache, brokers and
// object store, the CDN's origin (deploy/cdn/cdn.conf.template's LIVEDROP_CDN_ORIGIN), and the
// database owner's URL of livedrop-pg-roles (its Job).
export const DEPENDENCY_VARS = ["LIVEDROP_PG_URL", "LIVEDROP_REDIS_URL", "LIVEDROP_KAFKA_BROKERS",
  "LIVEDROP_S3_ENDPOINT", "LIVEDROP_CDN_ORIGIN", "LIVEDROP_PG_ADMIN_URL"];

// Every Deployment and Job reaches each dependency its variables name (a Service of this render,
// or anything outside it); and a dependency of this render admits, on the port it is reached at,
// only the workloads that name it so: those Deployments and Jobs (the roles Job), and Jobs whose
// command names its Service and port (the topics and bucket Jobs).
function dependencies(ctx) {
  const reached = new Map(); // "workload name:port" -> { workload, port, sources: Set(names), via: Set("service:port") }
  for (const w of ctx.workloads.filter((x) => x.kind === "Deployment" || x.kind === "Job")) {
    for (const name of DEPENDENCY_VARS) {
      for (const { host, port } of hostPorts(configured(ctx, w, name))) {
        const target = resolve(ctx, w.namespace, host, port);
        const dest = target?.workload?.endpoint ?? endpoint("external.invalid", {});
        const destPort = target?.port ?? port;
        if (!allows(ctx.policies, w.endpoint, dest, destPort)) {
          problem(ctx, "network", w.where, `cannot reach ${host}:${port} (${name})`);
        }
        if (!target?.workload) continue;
        const key = `${target.workload.name}:${target.port}`;
        if (!reached.has(key)) reached.set(key, { workload: target.workload, port: target.port, sources: new Set(), via: new Set() });
        reached.get(key).sources.add(w.name);
        reached.get(key).via.add(`${target.service.metadata.name}:${port}`);
      }
    }
  }
  for (const { workload: dst, port, sources, via } of reached.values()) {
    for (const src of ctx.workloads) {
      if (src === dst || sources.has(src.name)) continue;
      if (src.kind === "Job") {
        const script = src.containers.flatMap((c) => [...(c.command ?? []), ...(c.args ?? [])]).join("\n");
        if ([...via].some((hp) => script.includes(hp))) continue;
      }
      if (admits(ctx.policies, src.endpoint, dst.endpoint, port)) {
        problem(ctx, "network", dst.where, `port ${port} is open to ${src.name}, which does not use it`);
      }
    }
  }
}

// Each service connects to PostgreSQL as its own role, livedrop_<service> (never as the owner),
// and a Job of its namespace runs livedrop-pg-roles for that service, so the role exists.
function databaseRoles(ctx) {
  const jobs = ctx.workloads.filter((w) => w.kind === "Job" && w.pod.containers?.[0]?.command?.[0] === "livedrop-pg-roles");
  for (const w of ctx.deployments.filter((d) => d.binary)) {
    const url = configured(ctx, w, "LIVEDROP_PG_URL");
    if (url === undefined) continue;
    const service = w.binary.replace(/^livedrop-/, "");
    let user;
    try { user = decodeURIComponent(new URL(url).username); } catch { user = undefined; }
    if (user !== `livedrop_${service}`) {
      problem(ctx, "database", w.where, `LIVEDROP_PG_URL connects as ${user || "(no user)"}, not as its own role livedrop_${service}`);
    }
    const made = jobs.some((j) => j.namespace === w.namespace &&
      [...(j.pod.containers[0].command ?? []).slice(1), ...(j.pod.containers[0].args ?? [])].includes(service));
    if (!made) problem(ctx, "database", w.where, `no Job of its namespace runs livedrop-pg-roles for ${service}`);
  }
}

function exposure(ctx) {
  for (const w of ctx.deployments) {
    const annotations = w.object.spec?.template?.metadata?.annotations ?? {};
    const port = Number(annotations["prometheus.io/port"]);
    // Only what is not one of the platform's binaries may say it has no metrics (the CDN's nginx).
    if (!port && !w.binary && annotations["prometheus.io/scrape"] === "false") continue;
    if (!port) problem(ctx, "metrics", w.where, "has no prometheus.io/port annotation");
    else if (!allows(ctx.policies, PROMETHEUS, w.endpoint, port)) problem(ctx, "metrics", w.where, `Prometheus cannot scrape port ${port}`);
  }
  for (const ing of ofKind(ctx.objects, "Ingress")) {
    for (const rule of ing.spec?.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const b = p.backend?.service;
        const s = ofKind(ctx.objects, "Service").find((x) => x.metadata?.name === b?.name && sameNamespace(x, ing));
        const sp = s?.spec.ports?.find((x) => (b.port?.name ? x.name === b.port.name : x.port === b.port?.number));
        for (const w of s && sp ? selected(ctx, s) : []) {
          const port = targetPort(s, sp, w);
          if (!allows(ctx.policies, INGRESS_CONTROLLER, w.endpoint, port)) {
            problem(ctx, "network", w.where, `the ingress controller cannot reach port ${port} that ${describe(ing)} routes to`);
          }
        }
      }
    }
  }
}

const RULES = [probes, resources, security, images, spread, environment, autoscaling, replicas,
  disruptionBudgets, services, isolation, callers, dependencies, databaseRoles, exposure];
