"""The style sheet, the small script and the entity colours every page shares (inline: no network)."""

from __future__ import annotations

# Background colour per entity label for displaCy; a label not listed gets displaCy's default grey.
ENTITY_COLORS: dict[str, str] = {
    "DRUG": "#a7d3ff",
    "TRADE_NAME": "#c9e4ff",
    "DOSE": "#ffd59e",
    "DURATION": "#d7f2c2",
    "LAB_VALUE": "#ffc2c2",
    "PATTERN": "#e2c8ff",
    "SEVERITY": "#ffb8e1",
    "LIKELIHOOD": "#fff09e",
    "PATIENT": "#c2f0ec",
    "CAS": "#e0e0e0",
    "FORMULA": "#ececc8",
}

CSS = """
:root { --fg: #1d1d1f; --muted: #5f6368; --line: #d9d9de; --accent: #0b57d0; --bad: #b3261e; --soft: #f6f7f9; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg);
       background: #fff; }
a { color: var(--accent); }
header.top { padding: .8rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--soft); }
header.top h1 { margin: 0; font-size: 1.5rem; }
.meta { color: var(--muted); font-size: .9rem; margin: .15rem 0; }
.layout { display: grid; grid-template-columns: 17rem minmax(0, 1fr); }
nav.outline { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 1rem;
              border-right: 1px solid var(--line); font-size: .88rem; }
nav.outline h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
                 margin: .8rem 0 .3rem; }
nav.outline ul { list-style: none; margin: 0; padding-left: .9rem; }
nav.outline > ul { padding-left: 0; }
nav.outline li { margin: .1rem 0; }
nav.outline.inline { position: static; max-height: none; border: 0; padding: .5rem 0; }
details > summary { cursor: pointer; font-weight: 600; margin: .5rem 0; }
nav.outline .pgno { color: var(--muted); font-size: .8em; white-space: nowrap; }
main { padding: 1rem 2rem 4rem; max-width: 64rem; min-width: 0; }
main h2 { font-size: 1.25rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 1.6rem; }
main h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .88rem; }
th, td { border: 1px solid var(--line); padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: .35rem; margin: .4rem 0 .8rem; font-size: .8rem; }
.legend span { padding: .1rem .45rem; border-radius: .3rem; }
.chapter-text .entities { line-height: 2.2 !important; font-size: .95rem; }
.tab { display: inline-block; width: 1.5em; }
.h { display: inline-block; font-weight: 700; margin-top: .5rem; }
.h1 { font-size: 1.3rem; } .h2 { font-size: 1.1rem; } .h3 { font-size: 1rem; font-style: italic; }
.t { scroll-margin: 35vh; }
.t.current::before { content: "\\25B6"; color: var(--bad); font-size: .8em; }
::highlight(lt-target) { background-color: #ffe066; color: #000; }
.pg { display: block; border-top: 1px dashed #b9b9c0; margin: .5rem 0 .1rem; text-align: right;
      font-size: .75rem; line-height: 1.2; color: var(--muted); }
.pg::before { content: "page " attr(data-page); }
.lvl-error { color: var(--bad); font-weight: 600; }
.lvl-warning { color: #8a5a00; font-weight: 600; }
.lvl-ignored { color: var(--muted); }
.score { font-weight: 700; font-size: 1.05rem; }
.file { border-top: 3px solid var(--line); margin-top: 2rem; }
.ok { color: #1e7e34; font-weight: 600; }
figure { margin: .5rem 0 1.5rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
figcaption { color: var(--muted); font-size: .85rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: .5rem; padding: .5rem 1rem; min-width: 8rem; background: var(--soft); }
.card b { display: block; font-size: 1.6rem; }
.card.bad b { color: var(--bad); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 1rem; }
@media (max-width: 820px) {
  .layout { grid-template-columns: 1fr; }
  nav.outline { position: static; max-height: none; border-right: 0; border-bottom: 1px solid var(--line); }
}
@media print {
  body { font-size: 10pt; }
  nav.outline { display: none; }
  .layout { display: block; }
  main { max-width: none; padding: 0 .5rem; }
  header.top { background: none; }
  a { color: inherit; text-decoration: none; }
  mark.entity, .legend span, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  tr, mark, figure { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .charts { display: block; }
}
"""

# Following a link to a span (#id): open the <details> around it, mark it, and highlight the text between
# its start anchor and its end marker with the CSS Custom Highlight API where the browser has it.
SCRIPT = """
(function () {
  function show(id) {
    var a = document.getElementById(id);
    if (!a) return;
    for (var d = a.parentElement; d; d = d.parentElement) if (d.tagName === "DETAILS") d.open = true;
    document.querySelectorAll(".t.current").forEach(function (e) { e.classList.remove("current"); });
    if (!a.classList.contains("t")) { a.scrollIntoView({block: "start"}); return; }
    a.classList.add("current");
    var end = document.querySelector('[data-end="' + CSS.escape(id) + '"]');
    if (end && window.CSS && CSS.highlights && window.Highlight) {
      var r = document.createRange();
      r.setStartAfter(a);
      r.setEndBefore(end);
      CSS.highlights.set("lt-target", new Highlight(r));
    }
    a.scrollIntoView({block: "center"});
  }
  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest('a[href^="#"]');
    if (!link) return;
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    if (!document.getElementById(id)) return;
    e.preventDefault();
    history.pushState(null, "", "#" + encodeURIComponent(id));
    show(id);
  });
  window.addEventListener("hashchange", function () { show(decodeURIComponent(location.hash.slice(1))); });
  window.addEventListener("load", function () {
    if (location.hash.length > 1) show(decodeURIComponent(location.hash.slice(1)));
  });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
})();
"""
