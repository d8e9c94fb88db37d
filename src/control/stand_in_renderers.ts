/** Plain renderers over snapshot(), used until src/stats/render/ (written apart) is passed in. */
import { snapshot } from "../stats/snapshot.ts";
import type { ProxyView } from "../stats/views.ts";
import type { StatsRenderers } from "./commands/context.ts";

function csv(proxy: ProxyView): string {
  const lines = snapshot(proxy).filter((l) => l.scope !== "process");
  const fields = lines[0]?.samples.map((s) => s.row.haproxyField ?? s.row.prometheus) ?? [];
  let out = `# pxname,svname,${fields.join(",")}\n`;
  for (const l of lines) out += `${l.proxy},${l.name},${l.samples.map((s) => s.value).join(",")}\n`;
  return out;
}

/**
 * Stand-ins with the right entry points and a plain layout (not HAProxy's column set): the
 * integration replaces them with `src/stats/render/mod.ts`'s renderInfo/renderCsv/renderTyped/renderJson.
 */
export const standInRenderers: StatsRenderers = {
  renderInfo(proxy) {
    const p = snapshot(proxy)[0]!;
    return `Name: tsproxy\n` +
      p.samples.map((s) => `${s.row.haproxyField ?? s.row.prometheus}: ${s.value}\n`).join("");
  },
  renderCsv: csv,
  renderTyped(proxy) {
    return snapshot(proxy).map((l) =>
      l.samples.map((s) => `${l.scope}.${l.proxy}.${l.name}:${s.row.haproxyField}:${s.value}\n`)
        .join("")
    ).join("");
  },
  renderJson(proxy) {
    return JSON.stringify(
      snapshot(proxy).map((l) => ({
        scope: l.scope,
        proxy: l.proxy,
        name: l.name,
        values: Object.fromEntries(
          l.samples.map((s) => [s.row.haproxyField ?? s.row.prometheus, s.value]),
        ),
      })),
    ) + "\n";
  },
};
