// Each policy on the real render of the overlays: both pass as committed, and each breakage a
// manifest could have makes its rule fail. K8S_CHECK_KUBECTL, K8S_CHECK_ROOT (the repository)
// and K8S_CHECK_BIN (the built binaries, for their --help) come from CTest.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { readFileSync } from "node:fs";
import { readBinaries } from "../binaries.mjs";
import { allows } from "../network.mjs";
import { checkPolicies } from "../policies.mjs";
import { render } from "../render.mjs";
import { checkSchemas } from "../schema.mjs";

const kubectl = process.env.K8S_CHECK_KUBECTL ?? "kubectl";
const root = process.env.K8S_CHECK_ROOT ?? path.resolve(import.meta.dirname, "../../..");
const bin = process.env.K8S_CHECK_BIN ?? path.join(root, "build/dev/bin");
const overlay = (name) => path.join(root, "deploy/k8s/overlays", name);

const rendered = { dev: render(kubectl, overlay("dev")), prod: render(kubectl, overlay("prod")) };
const binaries = readBinaries(bin, [
  "livedrop-auth", "livedrop-followers", "livedrop-drops", "livedrop-inventory", "livedrop-orders",
  "livedrop-payment", "livedrop-notifications", "livedrop-gateway",
]);
const minReplicas = { dev: 1, prod: 2 };

function check(name, mutate = () => {}) {
  const objects = structuredClone(rendered[name]);
  mutate(objects);
  return checkPolicies(objects, { binaries, minReplicas: minReplicas[name] });
}
const find = (objects, kind, name) => {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind} ${name} is rendered`);
  return o;
};
const drop = (objects, kind, name) => objects.splice(objects.indexOf(find(objects, kind, name)), 1);
const container = (objects, name) => find(objects, "Deployment", name).spec.template.spec.containers[0];
const policy = (objects, name) => find(objects, "NetworkPolicy", name);

// The problems of rule `rule` whose message contains `text`: there must be some.
function assertProblem(problems, rule, text) {
  const hits = problems.filter((p) => p.rule === rule && `${p.where}: ${p.message}`.includes(text));
  assert.ok(hits.length > 0, `expected a [${rule}] problem with "${text}", got:\n${problems.map((p) => `[${p.rule}] ${p.where}: ${p.message}`).join("\n") || "(none)"}`);
}

test("the built binaries' --help gives their variables, requirements and callees", () => {
  assert.equal(Object.keys(binaries).length, 8);
  assert.deepEqual([...binaries["livedrop-orders"].callees].sort(), ["drops", "inventory", "payment"]);
  assert.deepEqual([...binaries["livedrop-followers"].callees], ["auth"]);
  assert.deepEqual([...binaries["livedrop-payment"].callees], []);
  assert.ok(binaries["livedrop-gateway"].callees.has("notifications"));
  assert.ok(!binaries["livedrop-gateway"].callees.has("payment"));
  assert.ok(binaries["livedrop-auth"].required.has("LIVEDROP_PG_URL"));
  assert.ok(binaries["livedrop-gateway"].required.has("LIVEDROP_KAFKA_BROKERS"));
  assert.ok(!binaries["livedrop-gateway"].envs.has("LIVEDROP_PG_URL"));
});

for (const name of ["dev", "prod"]) {
  test(`overlays/${name}: every object matches its Kubernetes API schema`, async () => {
    assert.deepEqual(await checkSchemas(rendered[name]), []);
  });
  test(`overlays/${name}: every policy holds`, () => {
    assert.deepEqual(check(name), []);
  });
}

test("schema: a wrongly typed field and a kind with no schema are problems", async () => {
  const objects = structuredClone(rendered.prod);
  find(objects, "Deployment", "livedrop-auth").spec.replicas = "two";
  objects.push({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } });
  const problems = await checkSchemas(objects);
  assertProblem(problems, "schema", "spec/replicas must be integer");
  assertProblem(problems, "schema", "no schema for apiVersion example.com/v1");
});

test("a Deployment without a readiness, startup or liveness probe fails", () => {
  const problems = check("dev", (o) => {
    delete container(o, "livedrop-orders").readinessProbe;
    delete container(o, "livedrop-gateway").startupProbe;
    delete find(o, "StatefulSet", "livedrop-postgresql").spec.template.spec.containers[0].livenessProbe;
  });
  assertProblem(problems, "probes", "orders has no readinessProbe");
  assertProblem(problems, "probes", "gateway has no startupProbe");
  assertProblem(problems, "probes", "postgresql has no livenessProbe");
});

test("a probe on a port no container has fails", () => {
  assertProblem(check("dev", (o) => { container(o, "livedrop-drops").livenessProbe.httpGet.port = "admin"; }),
    "probes", "names port admin");
});

test("a container without requests or limits fails", () => {
  const problems = check("prod", (o) => {
    delete container(o, "livedrop-inventory").resources.limits;
    container(o, "livedrop-auth").resources.requests.memory = "4Gi";
  });
  assertProblem(problems, "resources", "inventory has no limits.cpu");
  assertProblem(problems, "resources", "auth requests more memory than its limit");
});

test("root, a writable root filesystem, escalation, capabilities or no seccomp fail", () => {
  const problems = check("prod", (o) => {
    const pod = find(o, "Deployment", "livedrop-payment").spec.template.spec;
    pod.securityContext.runAsNonRoot = false;
    const sc = container(o, "livedrop-notifications").securityContext;
    sc.readOnlyRootFilesystem = false;
    sc.allowPrivilegeEscalation = true;
    sc.capabilities = { drop: [] };
    delete find(o, "Deployment", "livedrop-drops").spec.template.spec.securityContext.seccompProfile;
  });
  assertProblem(problems, "security", "payment may run as root");
  assertProblem(problems, "security", "notifications has a writable root filesystem");
  assertProblem(problems, "security", "notifications allows privilege escalation");
  assertProblem(problems, "security", "notifications does not drop ALL capabilities");
  assertProblem(problems, "security", "drops has no RuntimeDefault seccomp profile");
});

test("an image without a tag or on latest fails", () => {
  assertProblem(check("prod", (o) => { container(o, "livedrop-orders").image = "registry.example.com/livedrop:latest"; }),
    "images", "is not pinned");
});

test("a Deployment that does not spread over nodes fails", () => {
  assertProblem(check("prod", (o) => { delete find(o, "Deployment", "livedrop-auth").spec.template.spec.topologySpreadConstraints; }),
    "topology", "does not spread");
});

test("a Deployment without a PodDisruptionBudget, or with one that allows no eviction, fails", () => {
  assertProblem(check("dev", (o) => drop(o, "PodDisruptionBudget", "livedrop-payment")), "disruption", "has no PodDisruptionBudget");
  assertProblem(check("prod", (o) => {
    const pdb = find(o, "PodDisruptionBudget", "livedrop-auth");
    delete pdb.spec.maxUnavailable;
    pdb.spec.minAvailable = 2;
  }), "disruption", "lets no pod of livedrop-auth go");
});

test("an autoscaled Deployment without its HPA, or with replicas set too, fails", () => {
  assertProblem(check("prod", (o) => drop(o, "HorizontalPodAutoscaler", "livedrop-notifications")), "autoscaling", "has no HorizontalPodAutoscaler");
  assertProblem(check("prod", (o) => { find(o, "Deployment", "livedrop-orders").spec.replicas = 3; }), "autoscaling", "sets replicas although an HPA");
  assertProblem(check("prod", (o) => { find(o, "HorizontalPodAutoscaler", "livedrop-gateway").spec.scaleTargetRef.name = "livedrop-gw"; }),
    "autoscaling", "scales Deployment livedrop-gw");
});

test("prod with a single replica of anything fails", () => {
  assertProblem(check("prod", (o) => { find(o, "Deployment", "livedrop-drops").spec.replicas = 1; }), "replicas", "runs 1 replica(s), fewer than 2");
  assertProblem(check("prod", (o) => { find(o, "HorizontalPodAutoscaler", "livedrop-inventory").spec.minReplicas = 1; }), "replicas", "fewer than 2");
});

test("a Service that selects nothing, or targets a port its pods lack, fails", () => {
  assertProblem(check("dev", (o) => { find(o, "Service", "livedrop-followers").spec.selector["app.kubernetes.io/name"] = "livedrop-follower"; }),
    "services", "selects no pods");
  assertProblem(check("dev", (o) => { find(o, "Service", "livedrop-auth").spec.ports[0].targetPort = "rpc"; }),
    "services", "which its pods do not expose");
  assertProblem(check("prod", (o) => { find(o, "Ingress", "livedrop-gateway").spec.rules[0].http.paths[0].backend.service.name = "gateway"; }),
    "services", "which is no Service port here");
});

test("configuration outside LIVEDROP_*, unknown to the binary, missing, or dangling fails", () => {
  const problems = check("dev", (o) => {
    container(o, "livedrop-auth").env.push({ name: "LIVEDROP_TOKEN_ISUER", value: "x" }, { name: "PGHOST", value: "x" });
    const orders = container(o, "livedrop-orders");
    orders.env = orders.env.filter((e) => e.name !== "LIVEDROP_PG_URL");
    delete find(o, "ConfigMap", "livedrop-config").data.LIVEDROP_LOG_LEVEL;
  });
  assertProblem(problems, "config", "sets LIVEDROP_TOKEN_ISUER, which livedrop-auth does not read");
  assertProblem(problems, "config", "sets PGHOST: only LIVEDROP_*");
  assertProblem(problems, "config", "does not set LIVEDROP_PG_URL, which livedrop-orders requires");
  assertProblem(problems, "config", "key LIVEDROP_LOG_LEVEL of ConfigMap livedrop-config");
});

test("without a default deny, or a workload no policy of its own selects, fails", () => {
  assertProblem(check("prod", (o) => drop(o, "NetworkPolicy", "default-deny")), "network", "has no default-deny");
  const problems = check("dev", (o) => {
    drop(o, "NetworkPolicy", "livedrop-drops");
    drop(o, "NetworkPolicy", "livedrop-drops-minio");
  });
  assertProblem(problems, "network", "is selected by no NetworkPolicy of its own");
  assertProblem(problems, "callers", "cannot reach livedrop-drops"); // orders calls drops
});

test("a port open to any pod of the namespace fails", () => {
  assertProblem(check("dev", (o) => { policy(o, "livedrop-redis").spec.ingress[0].from = []; }), "network", "port redis is open to any pod");
});

test("a caller that cannot reach what it calls, or a non-caller let in, fails", () => {
  assertProblem(check("prod", (o) => {
    const p = policy(o, "livedrop-orders");
    p.spec.egress = p.spec.egress.filter((r) => !r.to?.[0]?.podSelector?.matchLabels?.["app.kubernetes.io/name"]?.includes("payment"));
  }), "callers", "livedrop-orders: cannot reach livedrop-payment on port 7006");
  assertProblem(check("prod", (o) => {
    policy(o, "livedrop-payment").spec.ingress[0].from.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "livedrop-gateway" } } });
  }), "callers", "gRPC port is open to livedrop-gateway, which does not call it");
  assertProblem(check("dev", (o) => {
    const orders = container(o, "livedrop-orders");
    orders.env = orders.env.filter((e) => e.name !== "LIVEDROP_PAYMENT_ADDR");
  }), "callers", "LIVEDROP_PAYMENT_ADDR is not set");
});

test("a service address that is not a headless Service of the callee fails", () => {
  assertProblem(check("dev", (o) => { find(o, "ConfigMap", "livedrop-config").data.LIVEDROP_AUTH_ADDR = "livedrop-auth:7002"; }),
    "callers", "is no Service port of a workload here");
  assertProblem(check("dev", (o) => { find(o, "Service", "livedrop-inventory").spec.clusterIP = "10.0.0.1"; }),
    "callers", "is not headless");
});

test("a service that cannot reach its database, cache or Kafka fails", () => {
  assertProblem(check("dev", (o) => {
    const p = policy(o, "livedrop-inventory");
    p.spec.egress[0].ports = p.spec.egress[0].ports.filter((x) => x.port !== 6379);
  }), "network", "livedrop-inventory: cannot reach livedrop-redis:6379");
  assertProblem(check("prod", (o) => {
    const p = policy(o, "livedrop-payment");
    p.spec.egress[0].ports = p.spec.egress[0].ports.filter((x) => x.port !== 5432);
  }), "network", "cannot reach livedrop-pg-rw:5432");
  assertProblem(check("dev", (o) => { policy(o, "livedrop-kafka").spec.ingress[0].from.shift(); }),
    "network", "cannot reach livedrop-kafka:9092");
});

test("each service connects as its own role, made by the pg-roles Job, which reaches PostgreSQL", () => {
  assertProblem(check("dev", (o) => {
    find(o, "Secret", "livedrop-secrets").stringData.LIVEDROP_PG_URL_ORDERS = "postgresql://livedrop:x@livedrop-postgresql:5432/livedrop";
  }), "database", "livedrop-orders: LIVEDROP_PG_URL connects as livedrop, not as its own role livedrop_orders");
  assertProblem(check("prod", (o) => {
    container(o, "livedrop-payment").env.find((e) => e.name === "LIVEDROP_PG_URL").valueFrom.secretKeyRef.key = "LIVEDROP_PG_URL_AUTH";
  }), "database", "not as its own role livedrop_payment");
  assertProblem(check("prod", (o) => {
    const job = find(o, "Job", "livedrop-pg-roles").spec.template.spec.containers[0];
    job.args = job.args.filter((a) => a !== "notifications");
  }), "database", "no Job of its namespace runs livedrop-pg-roles for notifications");
  assertProblem(check("dev", (o) => { policy(o, "livedrop-postgresql").spec.ingress[0].from.pop(); }),
    "network", "livedrop-pg-roles: cannot reach livedrop-postgresql:5432 (LIVEDROP_PG_ADMIN_URL)");
  assertProblem(check("prod", (o) => { policy(o, "livedrop-pg-roles").spec.egress = []; }),
    "network", "livedrop-pg-roles: cannot reach livedrop-pg-rw:5432 (LIVEDROP_PG_ADMIN_URL)");
});

test("overlays: the pg-roles Job's passwords are the ones in the services' URLs", () => {
  for (const name of ["dev", "prod"]) {
    const urls = find(rendered[name], "Secret", "livedrop-secrets").stringData;
    const roles = find(rendered[name], "Secret", "livedrop-pg-roles").stringData;
    const job = find(rendered[name], "Job", "livedrop-pg-roles").spec.template.spec.containers[0];
    for (const service of job.args) {
      const u = new URL(urls[`LIVEDROP_PG_URL_${service.toUpperCase()}`]);
      assert.equal(u.username, `livedrop_${service}`);
      assert.equal(decodeURIComponent(u.password), roles[`LIVEDROP_PG_PASSWORD_${service.toUpperCase()}`], `${name}: ${service}'s password`);
    }
  }
});

test("drops and the CDN reach the object store, and nothing else is let in", () => {
  assertProblem(check("dev", (o) => drop(o, "NetworkPolicy", "livedrop-drops-minio")),
    "network", "livedrop-drops: cannot reach livedrop-minio:9000 (LIVEDROP_S3_ENDPOINT)");
  assertProblem(check("dev", (o) => { policy(o, "livedrop-cdn").spec.egress = []; }),
    "network", "livedrop-cdn: cannot reach livedrop-minio:9000 (LIVEDROP_CDN_ORIGIN)");
  assertProblem(check("dev", (o) => { policy(o, "livedrop-minio").spec.ingress[0].from[0].podSelector.matchExpressions[0].values = ["livedrop-cdn", "livedrop-minio-bucket"]; }),
    "network", "livedrop-drops: cannot reach livedrop-minio:9000");
  assertProblem(check("dev", (o) => { policy(o, "livedrop-minio").spec.ingress[0].from[0].podSelector.matchExpressions[0].values.push("livedrop-gateway"); }),
    "network", "port 9000 is open to livedrop-gateway, which does not use it");
  // A Job is let in only when its command names the store's Service and port.
  assertProblem(check("dev", (o) => {
    const job = find(o, "Job", "livedrop-minio-bucket").spec.template.spec.containers[0];
    job.args = job.args.map((a) => a.replaceAll("livedrop-minio:9000", "minio.invalid:9000"));
  }), "network", "port 9000 is open to livedrop-minio-bucket, which does not use it");
  // prod: an external S3 endpoint over HTTPS.
  assertProblem(check("prod", (o) => {
    const p = policy(o, "livedrop-drops");
    p.spec.egress = p.spec.egress.filter((r) => !(r.ports ?? []).some((x) => x.port === 443));
  }), "network", "livedrop-drops: cannot reach s3.change_me.amazonaws.com:443 (LIVEDROP_S3_ENDPOINT)");
  // Kafka's and PostgreSQL's ports are the rule's too.
  assertProblem(check("dev", (o) => { policy(o, "livedrop-postgresql").spec.ingress[0].from.push({ podSelector: { matchLabels: { "app.kubernetes.io/name": "livedrop-cdn" } } }); }),
    "network", "port 5432 is open to livedrop-cdn");
});

test("overlays/dev: the CDN reaches MinIO's S3 port and nothing else", () => {
  const objects = rendered.dev;
  const policies = objects.filter((o) => o.kind === "NetworkPolicy");
  const pod = (name) => {
    const o = find(objects, name === "livedrop-minio" ? "StatefulSet" : "Deployment", name);
    return { namespace: o.metadata.namespace, labels: o.spec.template.metadata.labels, ports: {},
      namespaceLabels: { "kubernetes.io/metadata.name": o.metadata.namespace } };
  };
  const cdn = pod("livedrop-cdn");
  assert.ok(allows(policies, cdn, pod("livedrop-minio"), 9000));
  for (const [name, port] of [["livedrop-minio", 9001], ["livedrop-drops", 7003], ["livedrop-gateway", 8080]]) {
    assert.ok(!allows(policies, cdn, pod(name), port), `the CDN reaches ${name}:${port}`);
  }
  const outside = { namespace: "external.invalid", labels: {}, ports: {}, namespaceLabels: {} };
  for (const port of [80, 443, 5432, 9000]) assert.ok(!allows(policies, cdn, outside, port), `the CDN reaches the outside on ${port}`);
});

test("overlays/dev: the CDN runs deploy/cdn/cdn.conf.template, on the bucket drops stores in", () => {
  const template = readFileSync(path.join(root, "deploy/cdn/cdn.conf.template"), "utf8");
  assert.equal(find(rendered.dev, "ConfigMap", "livedrop-cdn-template").data["cdn.conf.template"], template,
    "overlays/dev/cdn.yaml's ConfigMap is not deploy/cdn/cdn.conf.template: copy the file in again");
  const env = (name, key) => container(rendered.dev, name).env.find((e) => e.name === key);
  assert.deepEqual(env("livedrop-cdn", "LIVEDROP_CDN_BUCKET").valueFrom, env("livedrop-drops", "LIVEDROP_S3_BUCKET").valueFrom);
  assert.equal(env("livedrop-cdn", "LIVEDROP_CDN_ORIGIN").value, new URL(find(rendered.dev, "ConfigMap", "livedrop-config").data.LIVEDROP_S3_ENDPOINT).host);
});

test("overlays/dev: the bucket Job makes i/ of drops' bucket anonymously readable, as compose does", () => {
  const job = find(rendered.dev, "Job", "livedrop-minio-bucket").spec.template.spec.containers[0];
  const script = job.args.join("\n");
  assert.match(script, /mc mb --ignore-existing "dev\/\$LIVEDROP_S3_BUCKET"/);
  assert.match(script, /mc anonymous set download "dev\/\$LIVEDROP_S3_BUCKET\/i"/);
  assert.deepEqual(job.env.find((e) => e.name === "LIVEDROP_S3_BUCKET").valueFrom,
    container(rendered.dev, "livedrop-drops").env.find((e) => e.name === "LIVEDROP_S3_BUCKET").valueFrom);
  const compose = readFileSync(path.join(root, "docker-compose.yml"), "utf8");
  assert.match(compose, /mc anonymous set download livedrop\/\$\$LIVEDROP_BUCKET\/i\b/, "compose's minio-bucket changed: follow it here");
  // drops signs with MinIO's root user.
  const creds = find(rendered.dev, "Secret", "livedrop-dev-credentials").stringData;
  const secrets = find(rendered.dev, "Secret", "livedrop-secrets").stringData;
  assert.equal(secrets.LIVEDROP_S3_ACCESS_KEY, creds.MINIO_ROOT_USER);
  assert.equal(secrets.LIVEDROP_S3_SECRET_KEY, creds.MINIO_ROOT_PASSWORD);
});

test("overlays/dev: the Ingresses serve the hosts drops names to clients, uploads to uploads/ only", () => {
  const config = find(rendered.dev, "ConfigMap", "livedrop-config").data;
  const upload = find(rendered.dev, "Ingress", "livedrop-minio");
  assert.equal(upload.spec.rules[0].host, new URL(config.LIVEDROP_S3_PUBLIC_ENDPOINT).hostname);
  assert.deepEqual(upload.spec.rules[0].http.paths.map((p) => p.path), [`/${config.LIVEDROP_S3_BUCKET}/uploads`]);
  // ingress-nginx refuses bodies over 1 MiB unless told: at least --image-max-bytes' default.
  const body = upload.metadata.annotations["nginx.ingress.kubernetes.io/proxy-body-size"];
  assert.ok(Number(body.replace(/m$/, "")) * 1024 * 1024 >= 10 * 1024 * 1024, `proxy-body-size ${body}`);
  const cdn = find(rendered.dev, "Ingress", "livedrop-cdn");
  assert.equal(cdn.spec.rules[0].host, new URL(config.LIVEDROP_CDN_BASE_URL).hostname);
  assert.deepEqual(cdn.spec.rules[0].http.paths.map((p) => p.path), ["/i"]);
});

test("a gateway the ingress controller cannot reach, or Prometheus cannot scrape, fails", () => {
  assertProblem(check("prod", (o) => { policy(o, "livedrop-gateway").spec.ingress.shift(); }),
    "network", "the ingress controller cannot reach port 8080");
  assertProblem(check("prod", (o) => { policy(o, "livedrop-followers").spec.ingress.pop(); }),
    "metrics", "Prometheus cannot scrape port 9002");
});

test("an overlay kustomize cannot build is an error naming it", () => {
  assert.throws(() => render(kubectl, overlay("nonexistent")), /kustomize .*nonexistent failed/);
});

test("overlays/dev creates every topic of topics.h and its dead-letter topic", async () => {
  const { readFileSync } = await import("node:fs");
  const header = readFileSync(path.join(root, "libs/kafka/include/livedrop/kafka/topics.h"), "utf8");
  const topics = [...header.matchAll(/inline constexpr char k\w+\[\] = "(livedrop\.[a-z]+)";/g)].map((m) => m[1]);
  assert.ok(topics.length >= 8, `topics.h names ${topics.length} topics`);
  const job = find(rendered.dev, "Job", "livedrop-kafka-topics");
  const script = job.spec.template.spec.containers[0].args.join("\n");
  const listed = script.match(/for topic in ([^;]*);/)[1].replace(/\\\n/g, " ").trim().split(/\s+/);
  assert.deepEqual([...listed].sort(), [...topics].sort());
  assert.match(script, /for name in "\$topic" "\$topic\.dlq"/);
});
