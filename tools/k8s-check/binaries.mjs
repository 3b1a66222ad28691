// What each binary declares, read from its --help: the LIVEDROP_* variables it reads, which of
// them it cannot start without, and the services it calls (its --<service>-addr options). The
// policies judge the manifests against the code through these, not against a list kept by hand.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

export function parseHelp(text) {
  const envs = new Set();
  const required = new Set();
  const callees = new Set();
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; ++i) {
    const option = lines[i].match(/^\s+--([a-z0-9-]+)\S*\s+\(env (LIVEDROP_[A-Z0-9_]+)\)/);
    if (!option) continue;
    envs.add(option[2]);
    if (/\(required\)\s*$/.test(lines[i + 1] ?? "")) required.add(option[2]);
    const addr = option[1].match(/^([a-z]+)-addr$/);
    if (addr) callees.add(addr[1]);
  }
  return { envs, required, callees };
}

// { "livedrop-orders": { envs, required, callees: Set(["drops", ...]) }, ... } for every
// `command` the workloads run that is a file in binDir.
export function readBinaries(binDir, names) {
  const binaries = {};
  for (const name of names) {
    const file = path.join(binDir, name);
    if (!existsSync(file)) continue;
    const help = execFileSync(file, ["--help"], { encoding: "utf8", env: {} });
    binaries[name] = parseHelp(help);
  }
  return binaries;
}
