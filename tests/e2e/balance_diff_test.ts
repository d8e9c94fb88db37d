/** Differential against Debian's haproxy 2.6: the order of roundrobin/static-rr picks with weights, and map-based hashing (uri, url_param, hdr, source). */
import assert from "node:assert/strict";
import { createServer, request, type Server } from "node:http";
import { test } from "node:test";
import { startHaproxyConfig } from "./helpers/haproxy.ts";
import { startImported } from "./helpers/imported.ts";
import { type ProxyRuntime, RUNTIMES, startProxy } from "./helpers/proxy.ts";

/**
 * A backend as a word list: server name, weight, then `*` for a backup or `-` for a disabled
 * (MAINT) server: "a1- b1* c2*" is a in maintenance, b and c backups of weights 1 and 2.
 */
type Servers = string;

const ORDER_CASES: Servers[] = [
  "a1 b1 c1",
  "a1 b2 c3",
  "a5 b1",
  "a1 b0 c2",
  "a2 b1 c1*",
  "a1- b1* c2*",
  "a3 b1 c2 d1",
];

/**
 * The roundrobin cases whose order differs from HAProxy's (one cycle of W picks, W the total
 * weight in use), and why. Both give each server exactly its weight's picks in every cycle (the
 * test checks it); only the order within a cycle differs. HAProxy's roundrobin is lb_fwrr.c: each
 * server gets positions every W/weight along the cycle, a position is served only once reached,
 * servers enter a cycle heaviest first from a weight-sorted tree, so a light server's first turn
 * waits for its position. tsproxy's is nginx's smooth weighted round-robin: every pick adds each
 * weight to a score and serves the highest score (declaration order on ties), so a light server
 * is served as soon as its score leads. Equal weights give the same order on both (not listed).
 */
const RR_DIFFERENCES: Record<Servers, { haproxy: string; tsproxy: string; why: string }> = {
  "a1 b2 c3": {
    haproxy: "cbcacb",
    tsproxy: "cbacbc",
    why: "a (1 of 6) is served at its position 3 by fwrr, at its score's lead (pick 3) by smooth",
  },
  "a5 b1": {
    haproxy: "aaaaab",
    tsproxy: "aaabaa",
    why: "fwrr serves b's one position after a's five; smooth puts b mid-cycle (score 4 > 3)",
  },
  "a1 b0 c2": {
    haproxy: "cca",
    tsproxy: "cac",
    why: "weight 0 is never picked on both; then 1:2 is fwrr's c c a against smooth's c a c",
  },
  "a2 b1 c1*": {
    haproxy: "aab",
    tsproxy: "aba",
    why: "the backup is never picked on both; 2:1 is fwrr's a a b against smooth's a b a",
  },
  "a1- b1* c2*": {
    haproxy: "ccb",
    tsproxy: "cbc",
    why:
      "a in maintenance: both take the backups (allbackups); 1:2 is fwrr's c c b, smooth's c b c",
  },
  "a3 b1 c2 d1": {
    haproxy: "acabcad",
    tsproxy: "acbadca",
    why: "fwrr serves each server at multiples of 7/weight; smooth serves b and d as they lead",
  },
};

/**
 * Hash cases: the key of request i, and the hash function. With one of HAProxy's functions tsproxy
 * must pick exactly HAProxy's server for every key (tsproxy builds HAProxy's map and hashes the
 * same bytes). With tsproxy's default (fnv1a, against HAProxy's default sdbm) the servers differ
 * by design; both must still keep every key on one server and spread keys over every server.
 */
interface HashCase {
  balance: string;
  fn: "fnv1a" | "sdbm" | "djb2 avalanche" | "wt6" | "crc32 avalanche" | "sdbm avalanche";
  servers: Servers;
  key: (i: number) => { path: string; headers?: Record<string, string>; from?: string };
}

const HASH_CASES: HashCase[] = [
  {
    balance: "uri",
    fn: "sdbm",
    servers: "a1 b2 c3",
    key: (i) => ({ path: `/obj/${i}.png?v=${i}` }),
  },
  { balance: "uri", fn: "djb2 avalanche", servers: "a2 b2 c2", key: (i) => ({ path: `/p/${i}` }) },
  {
    balance: "url_param uid",
    fn: "wt6",
    servers: "a1 b1 c1 d1",
    key: (i) => ({ path: `/?x=1&uid=session-${i}-x` }),
  },
  {
    balance: "hdr(x-user)",
    fn: "crc32 avalanche",
    servers: "a3 b1 c1",
    key: (i) => ({ path: "/", headers: { "x-user": `user-${i}` } }),
  },
  {
    balance: "source",
    fn: "sdbm",
    servers: "a2 b1 c1",
    key: (i) => ({ path: "/", from: `127.0.0.${i + 1}` }),
  },
  {
    balance: "source",
    fn: "sdbm avalanche",
    servers: "a1 b1 c1",
    key: (i) => ({ path: "/", from: `127.0.0.${i + 1}` }),
  },
  { balance: "uri", fn: "fnv1a", servers: "a1 b1 c1", key: (i) => ({ path: `/item/${i}` }) },
];

const KEYS = 24;

function parseServers(list: Servers) {
  return list.split(" ").map((w) => ({
    name: w[0]!,
    weight: Number(w.slice(1).replace(/[*-]$/, "")),
    backup: w.endsWith("*"),
    disabled: w.endsWith("-"),
  }));
}

/** Every frontend of the run, in order: two per order case (roundrobin, static-rr), one per hash case. */
const FRONTENDS = [
  ...ORDER_CASES.flatMap((servers) => [
    { balance: "roundrobin", fn: "fnv1a", servers },
    { balance: "static-rr", fn: "fnv1a", servers },
  ]),
  ...HASH_CASES.map((c) => ({ balance: c.balance, fn: c.fn, servers: c.servers })),
];

function tsproxyConfig(origins: Record<string, number>): string {
  const fe = FRONTENDS.map((_, i) => `  f${i}: { bind: ["127.0.0.1:0"], defaultBackend: b${i} }\n`);
  const be = FRONTENDS.map((f, i) =>
    `  b${i}:\n    balance: "${f.balance}"\n    hashFunction: "${f.fn}"\n    allbackups: true\n` +
    `    servers:\n` +
    parseServers(f.servers).map((s) =>
      `      - { name: ${s.name}, address: "127.0.0.1:${origins[s.name]}", weight: ${s.weight}, ` +
      `backup: ${s.backup}, disabled: ${s.disabled} }\n`
    ).join("")
  );
  return `global: { log: none, hardStopAfter: 1s }
defaults: { mode: http, timeout: { connect: 2s, client: 5s, server: 5s } }
frontends:
${fe.join("")}backends:
${be.join("")}`;
}

function haproxyConfig(origins: Record<string, number>, ports: number[]): string {
  const sections = FRONTENDS.map((f, i) => {
    const hashType = f.fn === "fnv1a" ? "" : `    hash-type map-based ${f.fn}\n`;
    const servers = parseServers(f.servers).map((s) =>
      `    server ${s.name} 127.0.0.1:${origins[s.name]} weight ${s.weight}` +
      `${s.backup ? " backup" : ""}${s.disabled ? " disabled" : ""}\n`
    ).join("");
    return `frontend f${i}\n    bind 127.0.0.1:${ports[i]}\n    default_backend b${i}\n\n` +
      `backend b${i}\n    balance ${f.balance}\n${hashType}${servers}\n`;
  });
  // allbackups on both sides: the backup cases compare spreading over every usable backup
  return `global\n    nbthread 1\n\ndefaults\n    mode http\n    option allbackups\n` +
    `    timeout connect 2s\n    timeout client 5s\n    timeout server 5s\n\n${sections.join("")}`;
}

/** One request on its own connection (from `from`, a 127.0.0.x address, when given): the body. */
function get(port: number, r: { path: string; headers?: Record<string, string>; from?: string }) {
  return new Promise<string>((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: r.path,
      agent: false,
      ...(r.from ? { localAddress: r.from } : {}),
      headers: { connection: "close", ...r.headers },
    }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve(res.statusCode === 200 ? body : `status ${res.statusCode}`));
    });
    req.on("error", reject);
    req.end();
  });
}

async function sequence(port: number, n: number): Promise<string> {
  let seq = "";
  for (let i = 0; i < n; i++) seq += await get(port, { path: "/" });
  return seq;
}

/** Each key's server, asked twice (the second must agree, or the entry says both). */
async function placement(port: number, c: HashCase): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const [x, y] = [await get(port, c.key(i)), await get(port, c.key(i))];
    out.push(x === y ? x : `${x}|${y}`);
  }
  return out;
}

function namedOrigin(name: string): Promise<{ port: number; server: Server }> {
  const server = createServer((_req, res) => res.end(name));
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => {
      const a = server.address();
      resolve({ port: typeof a === "object" && a ? a.port : 0, server });
    })
  );
}

/** The servers taking traffic: weight > 0 and not in maintenance, active ones, else backups. */
function inUse(servers: Servers) {
  const list = parseServers(servers).filter((s) => !s.disabled && s.weight > 0);
  const active = list.filter((s) => !s.backup);
  return active.length > 0 ? active : list;
}

/** The total weight in use: one roundrobin cycle. */
function cycleOf(servers: Servers): number {
  return inUse(servers).reduce((n, s) => n + s.weight, 0);
}

/** Picks per server name in `seq`, as "a1 b2 c3" (names in order). */
function counts(seq: string): string {
  return [...new Set(seq)].sort().map((n) => `${n}${[...seq].filter((x) => x === n).length}`)
    .join(" ");
}

/**
 * One run: haproxy on its haproxy.cfg against tsproxy on `rt`, configured by the hand-written YAML
 * or by the same haproxy.cfg imported (`tsproxy run -c haproxy.cfg`). Imported, the backends
 * without `hash-type` get HAProxy's default function (sdbm), so every key must land where
 * HAProxy puts it, the `fnv1a` case included.
 */
async function compare(rt: ProxyRuntime, config: "yaml" | "import") {
  const started = await Promise.all(["a", "b", "c", "d"].map(namedOrigin));
  const origins = Object.fromEntries(started.map((o, i) => ["abcd"[i]!, o.port]));
  const render = (p: number[]) => haproxyConfig(origins, p);
  const haproxy = await startHaproxyConfig(FRONTENDS.length, render);
  const proxy = config === "yaml"
    ? await startProxy(rt, tsproxyConfig(origins), FRONTENDS.length)
    : await startImported(FRONTENDS.length, render, rt);
  try {
    const both = (i: number, run: (port: number) => Promise<string>) =>
      Promise.all([run(haproxy.ports[i]!), run(proxy.ports[i]!)]);
    const rrDiffering: string[] = [];
    for (const [k, servers] of ORDER_CASES.entries()) {
      const w = cycleOf(servers);
      const [hRr, tRr] = await both(2 * k, (port) => sequence(port, 3 * w));
      const [hSrr, tSrr] = await both(2 * k + 1, (port) => sequence(port, 3 * w));
      assert.equal(tSrr, hSrr, `static-rr ${servers}: the exact sequence (HAProxy's map)`);
      const want = inUse(servers).map((s) => `${s.name}${s.weight}`).join(" ");
      for (const [side, seq] of [["haproxy", hRr], ["tsproxy", tRr]] as const) {
        const cycle = seq.slice(0, w);
        assert.equal(seq, cycle.repeat(3), `roundrobin ${servers} on ${side}: a cycle of ${w}`);
        assert.equal(counts(cycle), want, `roundrobin ${servers} on ${side}: picks per cycle`);
      }
      if (tRr !== hRr) {
        rrDiffering.push(servers);
        const why = RR_DIFFERENCES[servers];
        assert.ok(why, `roundrobin ${servers}: unjustified order ${tRr} vs haproxy ${hRr}`);
        assert.deepEqual(
          { haproxy: hRr.slice(0, w), tsproxy: tRr.slice(0, w) },
          { haproxy: why.haproxy, tsproxy: why.tsproxy },
          `roundrobin ${servers}: not the justified cycles`,
        );
      }
    }
    assert.deepEqual(rrDiffering, Object.keys(RR_DIFFERENCES), "the justified set, exactly");

    const base = 2 * ORDER_CASES.length;
    for (const [k, c] of HASH_CASES.entries()) {
      const label = `${c.balance} (${c.fn}, ${c.servers})`;
      const [h, t] = await Promise.all([
        placement(haproxy.ports[base + k]!, c),
        placement(proxy.ports[base + k]!, c),
      ]);
      const names = parseServers(c.servers).map((s) => s.name).sort();
      for (const [side, got] of [["haproxy", h], ["tsproxy", t]] as const) {
        assert.ok(
          got.every((s) => names.includes(s)),
          `${label} on ${side}: a key moved: ${got}`,
        );
        assert.deepEqual([...new Set(got)].sort(), names, `${label} on ${side}: spread ${got}`);
      }
      if (c.fn !== "fnv1a" || config === "import") {
        assert.deepEqual(t, h, `${label}: every key on HAProxy's server`);
      }
    }
  } finally {
    await proxy.stop();
    await haproxy.stop();
    for (const o of started) o.server.close();
  }
}

for (const rt of RUNTIMES) {
  test(`${rt}: pick order and map-based hashing match haproxy 2.6 (differences justified)`, () =>
    compare(rt, "yaml"));
}

test("bun, on the haproxy.cfg imported: pick order and hashing match haproxy 2.6 as the YAML does", () =>
  compare("bun", "import"));
