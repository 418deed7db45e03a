"""The page's inline style sheet and script, and the Content-Security-Policy that admits only them.

Both are constants, so their SHA-256 hashes go into the policy: the page loads nothing
from anywhere (``default-src 'none'``) and runs no script but this one, even if some
content slipped through unescaped.  The script only improves the page (sortable
columns, filter boxes); with scripting off the tables and the chart are all there.
"""

from __future__ import annotations

import base64
import hashlib

CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #4a5360; --line: #d5dae1; --paper: #ffffff;
  --back: #f3f5f8; --accent: #1d4f91; --accent-dark: #163a6b; }
* { box-sizing: border-box; }
html { background: var(--back); }
body { margin: 0; color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto,
  "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible,
.table-wrap:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
.masthead { background: #1d2b3a; color: #fff; padding: 20px 0 18px; }
.masthead a { color: #fff; }
.wrap { max-width: 1240px; margin: 0 auto; padding: 0 24px; }
h1 { font-size: 1.75rem; line-height: 1.2; margin: 0 0 6px; font-weight: 650; }
.masthead p { margin: 0; color: #dfe6ee; }
nav.toc { background: #fff; border-bottom: 1px solid var(--line); }
nav.toc ul { list-style: none; margin: 0 auto; padding: 8px 24px; display: flex; flex-wrap: wrap;
  gap: 4px 20px; max-width: 1240px; }
main.wrap { padding-top: 20px; padding-bottom: 40px; }
section.panel { background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  padding: 18px 22px 20px; margin: 0 0 20px; }
h2 { font-size: 1.3rem; margin: 0 0 12px; font-weight: 650; }
h2 .count { color: var(--muted); font-weight: 500; }
h3 { font-size: 1.05rem; margin: 18px 0 6px; font-family: ui-monospace, SFMono-Regular, Menlo,
  Consolas, monospace; word-break: break-all; }
h4 { font-size: 0.95rem; margin: 10px 0 6px; color: var(--muted); }
.banner { border-left: 6px solid #b45309; background: #fff7e6; padding: 12px 16px; margin: 0 0 20px;
  border-radius: 4px; }
.banner.info { border-left-color: var(--accent); background: #eef4fb; }
.banner strong { display: block; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 12px;
  margin: 0; }
.figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; background: #fafbfc; }
.figure dt { font-size: 0.85rem; color: var(--muted); }
.figure dd { margin: 2px 0 0; font-size: 1.7rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.figure dd.word { font-size: 1.15rem; padding-top: 8px; }
.figure.alert { border-color: #c7a1a1; background: #fdf6f6; }
.runline { color: var(--muted); margin: 12px 0 0; font-size: 0.9rem; }
.empty { color: var(--muted); font-style: italic; margin: 4px 0 0; }
.note { color: var(--muted); margin: -4px 0 12px; font-size: 0.9rem; }
.filter { display: flex; align-items: center; gap: 10px; margin: 0 0 10px; flex-wrap: wrap; }
.filter[hidden] { display: none; }
.filter label { font-weight: 600; font-size: 0.9rem; }
.filter input { font: inherit; padding: 5px 8px; border: 1px solid #6b7480; border-radius: 4px;
  min-width: 18rem; }
.filter output { color: var(--muted); font-size: 0.9rem; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { text-align: left; vertical-align: top; padding: 7px 10px; border-bottom: 1px solid #e4e7ec; }
thead th { background: #eef1f5; border-bottom: 2px solid #c4cad3; font-weight: 600; white-space: nowrap; }
th button { font: inherit; font-weight: 600; color: inherit; background: none; border: 0; padding: 0;
  cursor: pointer; }
th button::after { content: " \\2195"; color: #5d6672; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; color: var(--ink); }
th[aria-sort="descending"] button::after { content: " \\25BC"; color: var(--ink); }
tbody tr:nth-child(even) { background: #fafbfc; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.url { min-width: 15rem; max-width: 26rem; overflow-wrap: anywhere; }
td.when { min-width: 8rem; }
td.where { min-width: 14rem; }
td.fix { min-width: 14rem; max-width: 24rem; }
table.links td:nth-child(2) { min-width: 10rem; max-width: 16rem; }
table.findings { table-layout: fixed; }
col.c-line { width: 5rem; } col.c-level { width: 6.5rem; } col.c-rule { width: 13rem; }
col.c-msg { width: auto; } col.c-fix { width: 32%; }
table.findings td { overflow-wrap: anywhere; }
.small { display: block; color: var(--muted); font-size: 0.82rem; margin-top: 2px; }
.places { list-style: none; margin: 0; padding: 0; }
.places li + li { margin-top: 4px; }
code, .path { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.84rem; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 0.8rem;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.s-bad { color: #8b1a1a; background: #fdecec; }
.s-warn { color: #6e4200; background: #fff3dc; }
.s-ok { color: #1e5e2e; background: #e7f4ea; }
.s-none { color: #3d4651; background: #eceff3; }
.badge.new { color: #163a6b; background: #e3ecf7; }
.sev-error { color: #8b1a1a; }
.sev-warning { color: #6e4200; }
.sev-info { color: #3d4651; }
figure { margin: 0; overflow-x: auto; }
svg.chart { width: 100%; min-width: 600px; height: auto; max-height: 300px; display: block; }
svg.chart .grid line { stroke: #e3e6ea; stroke-width: 1; }
svg.chart .axis { stroke: #6b7480; stroke-width: 1; }
svg.chart text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #3b4350; }
svg.chart .axis-title { font-size: 12px; fill: #4a5360; }
svg.chart .bar { fill: #6a8bb3; }
svg.chart .bar.tonight { fill: #163a6b; }
svg.chart .callout { font-weight: 700; fill: #163a6b; paint-order: stroke; stroke: #fff; stroke-width: 4px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 6px; }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--accent); }
details table { margin-top: 8px; max-width: 40rem; }
footer { color: var(--muted); font-size: 0.85rem; padding: 0 0 30px; }
.group { border-top: 1px solid var(--line); margin-top: 14px; }
.group[hidden], tr[hidden] { display: none; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%);
  white-space: nowrap; }
@media print {
  .filter, nav.toc { display: none; }
  section.panel { break-inside: avoid-page; border: 0; }
  .masthead { background: none; color: #000; }
  .masthead p { color: #000; }
}
"""

SCRIPT = """
(function () {
  "use strict";
  function key(row, index, numeric) {
    var cell = row.cells[index];
    var raw = !cell ? "" : cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (numeric) {
      var number = parseFloat(raw);
      return isNaN(number) ? -Infinity : number;
    }
    return raw.trim().toLowerCase();
  }
  function sortBy(th) {
    var table = th.closest("table");
    var index = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "number";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, index, numeric);
      var y = key(b, index, numeric);
      var order = numeric ? (x < y ? -1 : x > y ? 1 : 0) : x.localeCompare(y, undefined, {numeric: true});
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  document.querySelectorAll("table.sortable thead th[data-type]").forEach(function (th) {
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () { sortBy(th); });
  });
  document.querySelectorAll(".filter[data-scope]").forEach(function (box) {
    var scope = document.getElementById(box.getAttribute("data-scope"));
    var input = box.querySelector("input");
    var status = box.querySelector("output");
    if (!scope || !input) { return; }
    box.hidden = false;
    input.addEventListener("input", function () {
      var query = input.value.trim().toLowerCase();
      var shown = 0;
      var rows = scope.querySelectorAll("tbody tr");
      rows.forEach(function (row) {
        var text = (row.textContent + " " + (row.getAttribute("data-context") || "")).toLowerCase();
        var match = query === "" || text.indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      scope.querySelectorAll(".group").forEach(function (group) {
        group.hidden = group.querySelector("tbody tr:not([hidden])") === null;
      });
      status.textContent = query === "" ? "" : shown + " of " + rows.length + " shown";
    });
  });
}());
"""


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


#: everything the page may use: its own style sheet and script, nothing else
CSP = (
    f"default-src 'none'; style-src '{_sha256(CSS)}'; script-src '{_sha256(SCRIPT)}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)
