// Full-size reload run (issue 15's Done-means), on Bun, Deno and the compiled binary:
//
//   bash scripts/reload_soak [--runtimes bun,deno,binary] [--loads keep-alive,close] [--seconds 20]
//                            [--conns 64] [--reloads 20]
//
// Per runtime, two runs: wrk with 64 keep-alive connections for 20 s, then wrk with 64
// connections and a connection per request for 20 s. During each, a WebSocket client sends a
// message every 10 ms and waits for its echo, and 20 SIGHUP reloads alternate config A (app =
// s1 + s2, /gen answers "A") and B (s2 removed, s3 added, /gen answers "B", a frontend added);
// after the 10th, an invalid config is pushed (it must change nothing and log its errors). After
// each reload: /gen is the new config's, the removed server gets nothing more and the added one gets
// traffic (the origins' counts, over a window in which s1 got some: a window with none for 400 ms
// or more is reported as a stall of the load), and under B the added frontend answers. Prints one table row per
// run; exits 1 when any run saw a non-2xx answer, a socket error, a closed WebSocket or a config
// that did not take effect. Runs under Bun (the WebSocket origin is a Bun.serve).
import { writeFileSync } from "node:fs";
import process from "node:process";
import { waitForLine } from "../tests/e2e/helpers/http.ts";
import { sleep } from "../tests/e2e/helpers/net.ts";
import type { ProxyRuntime } from "../tests/e2e/helpers/proxy.ts";
import { reloadRig } from "../tests/e2e/helpers/reload.ts";
import { WsClient } from "../tests/e2e/helpers/ws.ts";
import { wrk } from "../tests/e2e/helpers/wrk.ts";

interface Options {
  runtimes: ProxyRuntime[];
  /** Which wrk runs: keep-alive, a connection per request ("close"), or both. */
  loads: ("keep-alive" | "close")[];
  seconds: number;
  conns: number;
  reloads: number;
}

function parse(args: string[]): Options {
  const o: Options = {
    runtimes: ["bun", "deno", "binary"],
    loads: ["keep-alive", "close"],
    seconds: 20,
    conns: 64,
    reloads: 20,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i], v = args[i + 1];
    if (a === "--runtimes") o.runtimes = String(v).split(",") as ProxyRuntime[], i++;
    else if (a === "--loads") o.loads = String(v).split(",") as Options["loads"], i++;
    else if (a === "--seconds") o.seconds = Number(v), i++;
    else if (a === "--conns") o.conns = Number(v), i++;
    else if (a === "--reloads") o.reloads = Number(v), i++;
    else {
      console.error(`reload_soak: unknown option ${a}
usage: bash scripts/reload_soak [--runtimes bun,deno,binary] [--loads keep-alive,close] [--seconds 20] [--conns 64] [--reloads 20]`);
      process.exit(2);
    }
  }
  return o;
}

interface Row {
  runtime: string;
  load: string;
  requests: number;
  non2xx: number;
  socketErrors: number;
  wsMessages: number;
  wsClosed: number;
  reloads: number;
  /** When the last reload's checks ended, in seconds from the start of the load. */
  lastAt: number;
  /** Reloads after which s1 got no traffic for 400 ms or more (the load paused), and how long. */
  stalls: string[];
  /** Reloads after which a check failed (the rule, the removed/added server, the new frontend). */
  notApplied: string[];
  invalid: string;
}

async function get(port: number, path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { connection: "close" },
    signal: AbortSignal.timeout(3000),
  });
  return { status: r.status, body: await r.text() };
}

async function run(rt: ProxyRuntime, close: boolean, o: Options): Promise<Row> {
  const rig = await reloadRig(rt, "tsproxy-reload-soak-");
  const { o1, o2, o3, cfgA, cfgB, proxy, file, port } = rig;
  const row: Row = {
    runtime: rt,
    load: close ? "conn/request" : "keep-alive",
    requests: 0,
    non2xx: 0,
    socketErrors: 0,
    wsMessages: 0,
    wsClosed: 0,
    reloads: 0,
    lastAt: 0,
    stalls: [],
    notApplied: [],
    invalid: "not pushed",
  };
  try {
    const ws = await WsClient.open(`ws://127.0.0.1:${port}/ws`);
    let wsRunning = true, wsError = "";
    const chat = (async () => {
      try {
        while (wsRunning) {
          ws.ws.send(`m${row.wsMessages}`);
          const got = await ws.next(3000);
          if (got !== `echo:m${row.wsMessages}`) throw new Error(`unexpected echo ${got}`);
          row.wsMessages++;
          await sleep(10);
        }
      } catch (err) {
        wsError = String(err);
      }
    })();
    const t0 = Date.now();
    let loadEnded = false;
    const load = wrk(port, o.seconds, close, o.conns).finally(() => (loadEnded = true));
    // the reloads spread over the run, the last one's checks done well before its end (a reload
    // and its checks take 0.4-0.9 s: the next starts at once when one ran late)
    const step = (o.seconds * 1000 - 4000) / o.reloads;
    let which: "A" | "B" = "A";
    for (let n = 1; n <= o.reloads; n++) {
      const wait = t0 + (n - 1) * step + 300 - Date.now();
      if (wait > 0) await sleep(wait);
      which = which === "A" ? "B" : "A";
      writeFileSync(file, which === "A" ? cfgA : cfgB);
      const from = proxy.output().length;
      proxy.signal("SIGHUP");
      await waitForLine(proxy, /reload: .* applied/, { from, ms: 10_000 });
      row.reloads++;
      const problems: string[] = [];
      if ((await get(port, "/gen")).body !== which) problems.push("rule");
      if (which === "B") {
        const line = await waitForLine(proxy, /frontend extra: listening on/, { from });
        const extra = Number(/:(\d+)$/.exec(line.trim())![1]);
        if ((await get(extra, "/gen")).status !== 200) problems.push("frontend added");
      }
      // requests in flight finish on the old generation: count once they are done
      await sleep(100);
      // a window in which s1 (in both configs) got traffic: on a shared, loaded machine the load
      // can pause for a few hundred ms (counted as a stall, then the window grows)
      const counts = () => ({
        o1: o1.requests.length,
        o2: o2.requests.length,
        o3: o3.requests.length,
      });
      const before = counts(), since = Date.now();
      let after = before;
      do {
        await sleep(100);
        after = counts();
      } while (after.o1 - before.o1 < 20 && Date.now() - since < 3000);
      if (Date.now() - since > 400) row.stalls.push(`#${n}: ${Date.now() - since} ms`);
      const gone = which === "A" ? "o3" : "o2", added = which === "A" ? "o2" : "o3";
      if (after[gone] !== before[gone]) problems.push(`removed ${gone} got traffic`);
      if (after[added] <= before[added]) {
        problems.push(`added ${added} got none (s1 got ${after.o1 - before.o1} meanwhile)`);
      }
      if (loadEnded) problems.push("checked after the load ended (the run is too short)");
      row.lastAt = (Date.now() - t0) / 1000;
      if (problems.length > 0) row.notApplied.push(`#${n} (${which}): ${problems.join(", ")}`);
      if (n === Math.floor(o.reloads / 2)) {
        writeFileSync(file, cfgA.replace("defaultBackend: app", "defaultBackend: nope"));
        const bad = proxy.output().length;
        proxy.signal("SIGHUP");
        await waitForLine(proxy, /reload failed: the running configuration stays/, {
          from: bad,
          ms: 10_000,
        });
        const logged = /reload: .*nope/.test(proxy.output().slice(bad));
        const same = (await get(port, "/gen")).body === which;
        row.invalid = logged && same ? "refused, logged" : `logged ${logged}, unchanged ${same}`;
      }
    }
    const r = await load;
    wsRunning = false;
    await chat;
    row.requests = r.requests;
    row.non2xx = r.non2xx;
    row.socketErrors = r.socketErrors;
    row.wsClosed = ws.closeCode !== null || wsError !== "" ? 1 : 0;
    if (wsError) console.error(`${rt} ${row.load}: WebSocket: ${wsError}`);
    ws.ws.close();
  } finally {
    await rig.close();
  }
  return row;
}

function ok(r: Row): boolean {
  return r.non2xx === 0 && r.socketErrors === 0 && r.wsClosed === 0 && r.notApplied.length === 0 &&
    r.invalid === "refused, logged" && r.requests > 0;
}

const o = parse(process.argv.slice(2));
const rows: Row[] = [];
for (const rt of o.runtimes) {
  for (const load of o.loads) {
    const r = await run(rt, load === "close", o);
    rows.push(r);
    console.log(
      `${r.runtime} ${r.load}: ${r.requests} requests, ${r.non2xx} non-2xx, ${r.socketErrors} ` +
        `socket errors, ${r.wsMessages} WebSocket messages (${r.wsClosed} closed), ${r.reloads} ` +
        `reloads (the last checked at ${r.lastAt.toFixed(1)} s)${
          r.notApplied.length ? ", not applied: " + r.notApplied.join("; ") : ""
        }`,
    );
  }
}
const head = [
  "runtime",
  "load",
  "requests",
  "non-2xx",
  "socket errors",
  "WS messages",
  "WS closed",
];
const cells = rows.map((r) => [
  r.runtime,
  r.load,
  String(r.requests),
  String(r.non2xx),
  String(r.socketErrors),
  String(r.wsMessages),
  String(r.wsClosed),
  `${r.reloads - r.notApplied.length}/${r.reloads}`,
  r.invalid,
]);
head.push("configs took effect", "invalid config");
console.log(
  `\nwrk -c ${o.conns} -d ${o.seconds}s, ${o.reloads} SIGHUP reloads A/B, a WebSocket message every 10 ms`,
);
console.log(`| ${head.join(" | ")} |`);
console.log(`|${head.map(() => " --- ").join("|")}|`);
for (const c of cells) console.log(`| ${c.join(" | ")} |`);
process.exit(rows.every(ok) ? 0 : 1);
