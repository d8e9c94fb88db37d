/** The stats page in a real browser (headless Chromium over playwright-core): server states, colours, a screenshot, the admin form. */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { type RawHttpOrigin, rawHttpOrigin } from "./helpers/http.ts";
import { sleep } from "./helpers/net.ts";
import { RUNTIMES, startProxy } from "./helpers/proxy.ts";

const CHROMIUM = "/usr/bin/chromium";
const LOGS = resolve(import.meta.dirname ?? ".", "../../.test-logs");
/** A port nothing listens on (tcpmux), below the ephemeral range: the DOWN server's. */
const DEAD_PORT = 1;
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** HAProxy's colours as the page's stylesheet sets them (computed `background-color`). */
const COLOUR: Record<string, string> = {
  up: "rgb(192, 255, 192)",
  down: "rgb(255, 144, 144)",
  maint: "rgb(192, 120, 32)",
  drain: "rgb(32, 160, 255)",
};

/** Five servers: two UP, one DOWN (nothing listens), one MAINT (disabled), one DRAIN. */
function config(up1: number, up2: number, dead: number, maint: number, drain: number): string {
  const chk = "check: true, inter: 100ms, rise: 1, fall: 1";
  return `
defaults: { mode: http, timeout: { connect: 1s, client: 5s, server: 5s } }
frontends:
  web:
    bind: ["127.0.0.1:0"]
    defaultBackend: app
    stats: { uri: /stats, admin: "if LOCALHOST" }
backends:
  app:
    balance: roundrobin
    servers:
      - { name: up1, address: "127.0.0.1:${up1}", ${chk} }
      - { name: up2, address: "127.0.0.1:${up2}", ${chk} }
      - { name: dead, address: "127.0.0.1:${dead}", ${chk} }
      - { name: off, address: "127.0.0.1:${maint}", disabled: true }
      - { name: drn, address: "127.0.0.1:${drain}", drain: true, ${chk} }
`;
}

/** The browser's own (the callbacks of `$$eval` run in the page); deno checks without the DOM lib. */
declare function getComputedStyle(e: unknown): { backgroundColor: string };

interface Row {
  cls: string;
  name: string;
  status: string;
  colour: string;
}

/** The rows of the proxy table titled `px`, read from the DOM: class, name cell, status, colour. */
function rowsOf(page: Page, px: string): Promise<Row[]> {
  return page.$$eval("div.px", (divs, px) => {
    const div = divs.find((d) => d.querySelector("th.pxname")?.textContent === px);
    if (!div) return [];
    return [...div.querySelectorAll("tr")].filter((tr) => tr.querySelector("td.name")).map(
      (tr) => ({
        cls: tr.className,
        name: tr.querySelector("td.name")!.textContent ?? "",
        // "5s UP": the time since the last change, then the state
        status: (tr.querySelector("td.st")?.textContent ?? "").replace(/^\d+[smhd][\dsmh]*\s+/, ""),
        colour: getComputedStyle(tr.querySelector("td")!).backgroundColor,
      }),
    );
  }, px);
}

/** Polls `/stats;csv` until `check` passes on its text, for at most `ms`. */
async function waitCsv(port: number, check: (csv: string) => boolean, ms: number): Promise<string> {
  const deadline = Date.now() + ms;
  let csv = "";
  while (Date.now() < deadline) {
    const r = await fetch(`http://127.0.0.1:${port}/stats;csv`, {
      signal: AbortSignal.timeout(2000),
    });
    csv = await r.text();
    if (check(csv)) return csv;
    await sleep(50);
  }
  throw new Error(`stats did not reach the expected state within ${ms}ms:\n${csv}`);
}

const statusOf = (csv: string, sv: string) =>
  csv.split("\n").find((l) => l.startsWith(`app,${sv},`))?.split(",")[17];

async function launch(): Promise<{ ctx: BrowserContext; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "tsproxy-chromium-"));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  ctx.setDefaultTimeout(10_000);
  return { ctx, dir };
}

for (const rt of RUNTIMES) {
  test(
    `${rt}: Chromium shows UP, DOWN, MAINT and DRAIN servers; the admin form puts a server in MAINT and it gets no more traffic`,
    {
      // CI installs it (scripts/setup.sh): there a missing browser fails rather than skips
      skip: existsSync(CHROMIUM) || process.env.CI === "true"
        ? false
        : `${CHROMIUM} is missing (apt-get install chromium)`,
    },
    async () => {
      const up1 = await rawHttpOrigin(), up2 = await rawHttpOrigin();
      const off = await rawHttpOrigin(), drn = await rawHttpOrigin();
      // not closedPort(): a released ephemeral port can be bound again by any listener on the machine
      // (one run saw the check pass); port 1 is outside the ephemeral range
      const dead = DEAD_PORT;
      const proxy = await startProxy(rt, config(up1.port, up2.port, dead, off.port, drn.port));
      let browser: { ctx: BrowserContext; dir: string } | null = null;
      try {
        const port = proxy.ports[0]!;
        await waitCsv(port, (c) => statusOf(c, "dead") === "DOWN", 5000);

        // traffic before: both UP servers take it, DRAIN and MAINT none
        for (let i = 0; i < 10; i++) {
          const r = await fetch(`http://127.0.0.1:${port}/before/${i}`);
          assert.equal(r.status, 200);
          await r.arrayBuffer();
        }
        assert.equal(up1.requests.length, 5, "roundrobin over up1 and up2");
        assert.equal(up2.requests.length, 5);
        assert.equal(off.requests.length + drn.requests.length, 0, "MAINT and DRAIN take none");

        browser = await launch();
        const page = await browser.ctx.newPage();
        const res = await page.goto(`http://127.0.0.1:${port}/stats`);
        assert.equal(res?.status(), 200);
        assert.match(await page.title(), /Statistics Report/);

        const web = await rowsOf(page, "web");
        assert.deepEqual(web.map((r) => [r.cls, r.name]), [["frontend", "Frontend"]]);
        assert.equal(web[0]!.status, "OPEN");
        const app = await rowsOf(page, "app");
        assert.deepEqual(app.map((r) => [r.name, r.status, r.cls]), [
          ["up1", "UP", "up"],
          ["up2", "UP", "up"],
          ["dead", "DOWN", "down"],
          ["off", "MAINT", "maint"],
          ["drn", "DRAIN", "drain"],
          ["Backend", "UP", "backend"],
        ]);
        for (const r of app.slice(0, 5)) {
          assert.equal(r.colour, COLOUR[r.cls], `${r.name}'s row colour`);
        }

        mkdirSync(LOGS, { recursive: true });
        const shot = join(LOGS, `stats_page_browser_${rt}.png`);
        rmSync(shot, { force: true });
        await page.screenshot({ path: shot, fullPage: true });
        const png = readFileSync(shot);
        assert.ok(png.length > 1000, `screenshot ${shot} has ${png.length} bytes`);
        assert.deepEqual([...png.subarray(0, 8)], PNG_MAGIC, "a PNG file");

        // the admin form, as a user: tick up1, choose "Set state to MAINT", Apply
        const form = page.locator("div.px form", {
          has: page.locator('input[name="b"][value="app"]'),
        });
        await form.locator('input[type="checkbox"][value="up1"]').check();
        await form.locator('select[name="action"]').selectOption({ label: "Set state to MAINT" });
        const [back] = await Promise.all([
          page.waitForNavigation({ url: /\/stats;st=/ }),
          form.locator('input[type="submit"]').click(),
        ]);
        const post = back!.request().redirectedFrom();
        assert.equal(post?.method(), "POST", "the form POSTs");
        const redirect = await post!.response();
        assert.equal(redirect?.status(), 303);
        assert.equal(redirect?.headers()["location"], "/stats;st=DONE");
        assert.equal(back!.status(), 200);
        assert.equal(new URL(page.url()).pathname, "/stats;st=DONE");
        const now = await rowsOf(page, "app");
        assert.deepEqual(now.map((r) => [r.name, r.status, r.cls]).slice(0, 2), [
          ["up1", "MAINT", "maint"],
          ["up2", "UP", "up"],
        ]);
        assert.equal(now[0]!.colour, COLOUR.maint);
        await page.screenshot({ path: join(LOGS, `stats_page_browser_${rt}_after.png`) });

        assert.match(await page.locator("body").innerText(), /Action processed successfully/);

        // traffic after: up1 gets none of it, up2 all (counted by path: the browser's own
        // /favicon.ico requests are balanced too, at a time of its choosing)
        const after = (o: RawHttpOrigin) =>
          o.requests.filter((r) => r.target.startsWith("/after/"));
        for (let i = 0; i < 20; i++) {
          const r = await fetch(`http://127.0.0.1:${port}/after/${i}`);
          assert.equal(r.status, 200, `request ${i} after MAINT`);
          await r.arrayBuffer();
        }
        assert.equal(after(up1).length, 0, "the server in MAINT gets no request");
        assert.equal(after(up2).length, 20, "the remaining UP server takes them all");
        assert.equal(after(off).length + after(drn).length, 0, "MAINT and DRAIN still none");
      } finally {
        if (browser) {
          await browser.ctx.close().catch(() => {});
          rmSync(browser.dir, { recursive: true, force: true });
        }
        await proxy.stop();
        for (const o of [up1, up2, off, drn]) await o.close();
      }
    },
  );
}
