/** The stats page's inline stylesheet (no external assets: the page must work on an offline host), HAProxy's colours. */

/** Row classes by server state, as HAProxy's page colours them. */
export const STATE_CLASS: Readonly<Record<string, string>> = {
  UP: "up",
  "UP going down": "going_down",
  DOWN: "down",
  "DOWN going up": "going_up",
  MAINT: "maint",
  DRAIN: "drain",
  "no check": "nocheck",
};

export const STYLE = `
body { font-family: Arial, Helvetica, sans-serif; font-size: 12px; color: #000; background: #fff; margin: 8px; }
h1 { font-size: 18px; margin: 0 0 4px; color: #fff; background: #20408c; padding: 6px 8px; }
h2 { font-size: 13px; margin: 12px 0 4px; }
a { color: #3030a0; text-decoration: none; }
table { border-collapse: collapse; }
.info { display: flex; gap: 24px; align-items: flex-start; margin: 6px 0 12px; }
.info td { padding: 1px 8px 1px 0; }
.legend td { padding: 2px 6px; border: 1px solid #999; font-size: 11px; }
.px { margin: 14px 0 4px; }
.px table { border: 1px solid #808080; width: 100%; }
.px th, .px td { border: 1px solid #a0a0a0; padding: 2px 4px; text-align: right; white-space: nowrap; font-size: 11px; }
.px th { background: #d0d0d0; font-weight: normal; text-align: center; }
.px th.pxname { background: #b00040; color: #ffff40; font-weight: bold; text-align: left; font-size: 13px; }
.px td.name { text-align: left; font-weight: bold; }
tr.frontend td, tr.backend td { background: #e8e8d0; font-weight: bold; }
tr.up td { background: #c0ffc0; }
tr.going_down td { background: #ffffa0; }
tr.going_up td { background: #ffd020; }
tr.down td { background: #ff9090; }
tr.maint td { background: #c07820; }
tr.drain td { background: #20a0ff; }
tr.nocheck td { background: #e0e0e0; }
tr.backup.up td { background: #b0d0ff; }
td.st { text-align: center; }
.admin { margin-top: 4px; }
.admin select, .admin input { font-size: 11px; }
.muted { color: #606060; }
`.trim();
