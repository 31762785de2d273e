/**
 * The script of the HTML report page. `reportMain` runs in the browser: the page
 * embeds its source text (`reportMain.toString()`), so it must not refer to
 * anything outside its own body (imports here are types only) and must not use
 * syntax that needs a helper from the compiler.
 *
 * It draws one Observable Plot chart per model and sequence lengths (every
 * measured point a `<circle data-point="<row>">`, each series' Pareto frontier
 * as a line), the filters, axis switches, hover card, comparison overlays and
 * the tables. `window.__infxRenderMs` is set after the first full draw has
 * been painted, in ms since the navigation started (for tests and measurements).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { PageData, PageVerdict } from "./page-data.js";

export function reportMain(D: PageData, Plot: any): void {
  const T0 = performance.now();
  const $ = (sel: string) => document.querySelector(sel) as HTMLElement;
  const h = (tag: string, attrs: Record<string, string> = {}, ...kids: (Node | string)[]) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...kids);
    return e;
  };
  const S = D.strings;
  const spec = Object.fromEntries(D.metricSpecs.map((m) => [m.key, m]));
  const fmt = (v: number | null | undefined, unit = "") => {
    if (v === null || v === undefined) return "–";
    const a = Math.abs(v);
    const t = a >= 1000 ? Math.round(v).toLocaleString("en-US") : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(2);
    return unit ? `${t} ${unit}` : t;
  };
  const seqLen = (i: number, o: number) =>
    i === 1024 && o === 1024 ? "1k1k" : i === 1024 && o === 8192 ? "1k8k" : i === 8192 && o === 1024 ? "8k1k" : `${i}/${o}`;
  const cmpRows: Record<number, PageVerdict[]> = D.compare ? D.compare.rows : {};

  // Rows and their facets.
  const N = D.cfg.length;
  const rows = new Array(N);
  for (let i = 0; i < N; i++) {
    const c = D.configs[D.cfg[i]!]!;
    const spec_ = S[c.s[5]]!;
    const fw = S[c.s[3]]!;
    rows[i] = {
      i,
      c,
      prefix: S[c.s[0]],
      model: S[c.s[1]],
      hw: S[c.s[2]],
      fw,
      prec: S[c.s[4]],
      specd: spec_,
      image: S[c.s[6]],
      shape: S[c.s[7]],
      conc: D.conc[i],
      isl: c.isl,
      osl: c.osl,
      nodes: c.multi ? "multi-node" : "single-node",
      lens: seqLen(c.isl, c.osl),
      panel: `${S[c.s[0]]}|${c.isl}|${c.osl}`,
      series: [S[c.s[2]], spec_ && spec_ !== "none" ? `${fw}+${spec_}` : fw, S[c.s[4]], c.multi ? "multi-node" : ""].filter(Boolean).join(" / "),
    };
  }
  const val = (i: number, key: string) => D.metrics[key]![i] ?? null;

  // Filters: one group of checkboxes per facet; a row shows when its value is checked in every group.
  const FACETS: [string, string][] = [
    ["prefix", "Model"],
    ["lens", "ISL/OSL"],
    ["prec", "Precision"],
    ["hw", "Hardware"],
    ["fw", "Framework"],
    ["nodes", "Nodes"],
  ];
  const off: Record<string, Set<string>> = {};
  const filters = $("#filters");
  for (const [f, label] of FACETS) {
    off[f] = new Set();
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(r[f], (counts.get(r[f]) ?? 0) + 1);
    const group = h("fieldset", { class: "facet" }, h("legend", {}, label));
    for (const v of [...counts.keys()].sort()) {
      const box = h("input", { type: "checkbox", "data-filter": f, value: v }) as HTMLInputElement;
      box.checked = true;
      group.append(h("label", { class: "chip" }, box, ` ${v} `, h("small", {}, String(counts.get(v)))));
    }
    filters.append(group);
  }
  const visible = () => rows.filter((r) => FACETS.every(([f]) => !off[f]!.has(r[f])));

  // Axis switches.
  const XS = [
    ["intvty", "Interactivity (mean)"],
    ["e2el50", "End-to-end latency p50"],
    ["ttft99", "TTFT p99"],
  ];
  const YS = [
    ["tput", "Total throughput per GPU"],
    ["otput", "Output throughput per GPU"],
    ["itput", "Input throughput per GPU"],
  ];
  const axis = { x: "intvty", y: "tput" };
  for (const [name, opts] of [
    ["x", XS],
    ["y", YS],
  ] as ["x" | "y", string[][]][]) {
    const sel = $(`#axis-${name}`) as HTMLSelectElement;
    for (const [k, label] of opts) sel.append(h("option", { value: k! }, `${label} (${spec[k!]!.unit})`));
    sel.addEventListener("change", () => {
      axis[name] = sel.value;
      draw();
    });
  }

  /** The Pareto frontier of one series: points no other point beats on both axes, in x order. */
  const frontier = (pts: any[], xHigher: boolean) => {
    const sorted = [...pts].sort((a, b) => (xHigher ? b.x - a.x : a.x - b.x) || b.y - a.y);
    const out = [];
    let best = -Infinity;
    for (const p of sorted)
      if (p.y > best) {
        best = p.y;
        out.push(p);
      }
    return out.sort((a, b) => a.x - b.x);
  };
  const verdictOf = (i: number) => {
    const vs = cmpRows[i];
    if (!vs) return "";
    const yField = spec[axis.y]!.field;
    const own = vs.find((v) => v[0] === yField || v[0] === axis.y);
    if (own) return own[4];
    return vs.some((v) => v[4] === "regression") ? "regression" : vs.some((v) => v[4] === "improvement") ? "improvement" : vs[0]![4];
  };
  const baselineOf = (i: number, key: string, head: number | null) => {
    const vs = cmpRows[i];
    const field = spec[key]!.field;
    const v = vs?.find((x) => x[0] === field || x[0] === key);
    return v && v[1] !== null ? Number((v[1] * spec[key]!.scale).toPrecision(4)) : head;
  };

  function panelChart(pts: any[], ghosts: any[], xs: any, ys: any, width: number) {
    const domain = [...new Set(pts.map((p) => p.series).concat(ghosts.map((g) => g.series)))].sort();
    const marks: any[] = [];
    const bySeries = new Map<string, any[]>();
    for (const p of pts) (bySeries.get(p.series) ?? bySeries.set(p.series, []).get(p.series)!).push(p);
    const front = [...bySeries.values()].flatMap((s) => frontier(s, xs.higherBetter));
    if (ghosts.length) {
      marks.push(
        Plot.link(
          ghosts.filter((g) => g.head),
          { x1: "x", y1: "y", x2: (g: any) => g.head.x, y2: (g: any) => g.head.y, stroke: "#bbb", strokeWidth: 1 },
        ),
      );
      marks.push(
        Plot.dot(ghosts, {
          x: "x",
          y: "y",
          r: 4,
          stroke: "series",
          strokeOpacity: 0.8,
          strokeWidth: 1.2,
          strokeDasharray: "2,1.5",
          fill: "none",
          render(index: number[], scales: any, values: any, dim: any, ctx: any, next: any) {
            const g = next(index, scales, values, dim, ctx);
            const cs = g.querySelectorAll("circle");
            for (let k = 0; k < cs.length; k++) cs[k].setAttribute("data-baseline", ghosts[index[k]!].label);
            return g;
          },
        }),
      );
    }
    marks.push(Plot.line(front, { x: "x", y: "y", stroke: "series", z: "series", strokeWidth: 1.6 }));
    // One dot mark per series with a constant fill (cheaper than a fill channel: no colour per element).
    const palette = [
      "#4269d0",
      "#efb118",
      "#ff725c",
      "#6cc5b0",
      "#3ca951",
      "#ff8ab7",
      "#a463f2",
      "#97bbf5",
      "#9c6b4e",
      "#9498a0",
      "#1f3f8f",
      "#b07d00",
      "#c2331f",
      "#2f8f7a",
      "#1e6b2e",
      "#c7508a",
      "#6b2fb3",
      "#5577bb",
      "#6b4330",
      "#5c6068",
    ];
    const colour = (s: string) => palette[domain.indexOf(s) % palette.length]!;
    for (const [series, spts] of bySeries)
      marks.push(
        Plot.dot(spts, {
          x: "x",
          y: "y",
          r: pts.length > 400 ? 2.4 : 3.5,
          fill: colour(series),
          fillOpacity: 0.75,
          className: "pts",
          render(index: number[], scales: any, values: any, dim: any, ctx: any, next: any) {
            const g = next(index, scales, values, dim, ctx);
            const cs = g.querySelectorAll("circle");
            for (let k = 0; k < cs.length; k++) cs[k].setAttribute("data-point", String(spts[index[k]!].i));
            return g;
          },
        }),
      );
    for (const [verdict, color] of [
      ["regression", "#d62728"],
      ["improvement", "#2ca02c"],
    ]) {
      const ring = pts.filter((p) => p.verdict === verdict);
      if (ring.length) marks.push(Plot.dot(ring, { x: "x", y: "y", r: 6, stroke: color, strokeWidth: 2, fill: "none", className: `verdict-${verdict}` }));
    }
    return Plot.plot({
      width,
      height: 360,
      marginLeft: 62,
      marginBottom: 40,
      style: { fontSize: "12px", background: "transparent" },
      grid: true,
      color: { domain, range: domain.map(colour), legend: true },
      x: { label: `${xs.label} (${xs.unit}) ${xs.higherBetter ? "→" : "← better"}`, nice: true, zero: false },
      y: { label: `↑ ${ys.label} (${ys.unit})`, nice: true, zero: true },
      marks,
    });
  }

  /** Draws every panel for the visible rows (one chart per model and sequence lengths). */
  function draw() {
    const t = performance.now();
    const xs = spec[axis.x]!;
    const ys = spec[axis.y]!;
    const vis = visible();
    const panels = new Map<string, any[]>();
    for (const r of vis) (panels.get(r.panel) ?? panels.set(r.panel, []).get(r.panel)!).push(r);
    const root = $("#charts");
    root.textContent = "";
    let plotted = 0;
    let unplottable = 0;
    let width = 0;
    const keys = [...panels.keys()].sort((a, b) => {
      const [pa, ia, oa] = a.split("|");
      const [pb, ib, ob] = b.split("|");
      return pa! < pb! ? -1 : pa! > pb! ? 1 : Number(ia) - Number(ib) || Number(oa) - Number(ob);
    });
    for (const key of keys) {
      const group = panels.get(key)!;
      const pts: any[] = [];
      const ghosts: any[] = [];
      for (const r of group) {
        const x = val(r.i, axis.x);
        const y = val(r.i, axis.y);
        if (x === null || y === null) {
          unplottable++;
          continue;
        }
        const p = { i: r.i, x, y, series: r.series, verdict: verdictOf(r.i) };
        pts.push(p);
        if (cmpRows[r.i]) {
          const bx = baselineOf(r.i, axis.x, x);
          const by = baselineOf(r.i, axis.y, y);
          if (bx !== null && by !== null && (bx !== x || by !== y)) ghosts.push({ x: bx, y: by, series: r.series, head: p, label: `baseline of #${r.i}` });
        }
      }
      if (D.compare)
        for (const m of D.compare.missing) {
          if (m.panel !== key) continue;
          const get = (k: string) => {
            const v = m.values.find((x) => x[0] === spec[k]!.field || x[0] === k);
            return v && v[1] !== null ? v[1] * spec[k]!.scale : null;
          };
          const bx = get(axis.x);
          const by = get(axis.y);
          if (bx !== null && by !== null)
            ghosts.push({ x: bx, y: by, series: m.series ?? "baseline only", head: null, label: `${m.label} (only in baseline)` });
        }
      plotted += pts.length;
      const r0 = group[0];
      const sim = group.some((r) => r.c.sim);
      const title = `${r0.prefix} · ${r0.lens}${sim ? " (simulated)" : ""}`;
      const fig = h(
        "figure",
        { class: "panel", "data-panel": key },
        h("h3", {}, title),
        h(
          "p",
          { class: "panel-sub" },
          `${pts.length} point${pts.length === 1 ? "" : "s"} · ${new Set(pts.map((p) => p.series)).size} series · ISL ${r0.isl} / OSL ${r0.osl}${ghosts.length ? ` · ${ghosts.length} baseline points (hollow)` : ""}`,
        ),
      );
      root.append(fig);
      if (!width) width = Math.max(420, Math.min(1000, fig.clientWidth - 26));
      fig.append(pts.length ? panelChart(pts, ghosts, xs, ys, width) : h("p", { class: "empty" }, `No point has both ${xs.label} and ${ys.label}.`));
    }
    if (!keys.length) root.append(h("p", { class: "empty" }, N ? "No row matches the filters." : "No benchmark rows."));
    $("#count").textContent =
      `${plotted.toLocaleString("en-US")} of ${N.toLocaleString("en-US")} points shown${unplottable ? ` (${unplottable} without ${xs.label} or ${ys.label})` : ""} · drawn in ${Math.round(performance.now() - t)} ms`;
    table.rows = vis;
    table.page = 0;
    renderTable();
  }

  // Hover card: configuration and metrics of the point under the pointer.
  const tip = $("#tip");
  const line = (...parts: string[]) => h("div", {}, parts.filter(Boolean).join(" · "));
  function card(i: number) {
    const r = rows[i];
    const m = (k: string) => fmt(val(i, k), spec[k]!.unit);
    const kids = [
      h("b", {}, `#${i} ${r.prefix} · ${r.lens} · ${r.series}`),
      line(r.shape, `conc ${r.conc}`, `${r.c.gpus} GPU${r.c.gpus === 1 ? "" : "s"}`),
      line(`image ${r.image || "–"}`),
      line(`served model ${r.model}`),
      line(`total ${m("tput")}`, `output ${m("otput")}`, `input ${m("itput")}`),
      line(`interactivity ${m("intvty")} (p50 ${m("intvty50")})`),
      line(`TTFT p50 ${m("ttft50")} p99 ${m("ttft99")}`, `TPOT p50 ${m("tpot50")}`, `E2EL p50 ${m("e2el50")}`),
    ];
    if (r.c.sim) kids.push(h("div", { class: "sim-tag" }, "simulated (serve-sim)"));
    for (const v of cmpRows[i] ?? [])
      kids.push(h("div", { class: `v-${v[4]}` }, `${v[0]}: ${fmt(v[1])} → ${fmt(v[2])}${v[3] !== null ? ` (${v[3].toFixed(3)}×)` : ""} ${v[4]}`));
    return kids;
  }
  let hot: Element | null = null;
  document.addEventListener("pointerover", (ev) => {
    const t = ev.target as Element;
    hot?.classList.remove("hot");
    hot = t.getAttribute && t.getAttribute("data-point") !== null ? t : null;
    hot?.classList.add("hot");
    const p = t.getAttribute && (t.getAttribute("data-point") ?? null);
    const b = t.getAttribute?.("data-baseline");
    if (p === null && !b) {
      tip.hidden = true;
      return;
    }
    tip.textContent = "";
    if (p !== null) tip.append(...card(Number(p)));
    else tip.append(h("b", {}, b!));
    tip.hidden = false;
    const e = ev as PointerEvent;
    const w = tip.offsetWidth;
    tip.style.left = `${Math.max(4, Math.min(window.scrollX + e.clientX + 14, window.scrollX + document.documentElement.clientWidth - w - 8))}px`;
    tip.style.top = `${window.scrollY + e.clientY + 14}px`;
  });

  // The points table: sortable, filtered like the charts, 100 rows a page.
  const COLS: [string, string, (r: any) => any, boolean][] = [
    ["#", "", (r) => r.i, true],
    ["Model", "", (r) => r.prefix, false],
    ["ISL/OSL", "", (r) => r.isl * 1e6 + r.osl, true],
    ["Hardware", "", (r) => r.hw, false],
    ["Framework", "", (r) => r.fw + (r.specd && r.specd !== "none" ? `+${r.specd}` : ""), false],
    ["Precision", "", (r) => r.prec, false],
    ["Config", "", (r) => r.shape, false],
    ["Conc", "", (r) => r.conc, true],
    ...D.metricSpecs.map((m) => [m.label, m.unit, (r: any) => val(r.i, m.key), true] as [string, string, (r: any) => any, boolean]),
  ];
  if (D.compare) COLS.push(["Verdict", "", (r) => verdictOf(r.i), false]);
  const table = { rows: [] as any[], sort: 0, desc: false, page: 0, size: 100 };
  const thead = $("#points thead");
  const tr = h("tr");
  COLS.forEach(([label, unit, , numeric], k) => {
    const th = h("th", { class: numeric ? "num" : "", "data-col": String(k), title: "sort" }, label, unit ? h("small", {}, ` ${unit}`) : "");
    th.addEventListener("click", () => {
      table.desc = table.sort === k ? !table.desc : numeric;
      table.sort = k;
      table.page = 0;
      renderTable();
    });
    tr.append(th);
  });
  thead.append(tr);
  function renderTable() {
    const get = COLS[table.sort]![2];
    const sorted = [...table.rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = x === y ? a.i - b.i : x === null ? 1 : y === null ? -1 : x < y ? -1 : 1;
      return table.desc && x !== null && y !== null && x !== y ? -c : c;
    });
    const pages = Math.max(1, Math.ceil(sorted.length / table.size));
    table.page = Math.min(table.page, pages - 1);
    const body = $("#points tbody");
    body.textContent = "";
    const frag = document.createDocumentFragment();
    for (const r of sorted.slice(table.page * table.size, (table.page + 1) * table.size)) {
      const row = h("tr");
      for (const [label, unit, g, numeric] of COLS) {
        let v = g(r);
        if (label === "ISL/OSL") v = `${r.isl}/${r.osl}`;
        else if (unit) v = fmt(v);
        row.append(h("td", numeric ? { class: "num" } : label === "Verdict" && v ? { class: `v-${v}` } : {}, String(v ?? "")));
      }
      frag.append(row);
    }
    body.append(frag);
    for (const th of thead.querySelectorAll("th")) th.classList.toggle("sorted", Number(th.getAttribute("data-col")) === table.sort);
    $("#page-info").textContent = sorted.length
      ? `rows ${table.page * table.size + 1}–${Math.min(sorted.length, (table.page + 1) * table.size)} of ${sorted.length} (sorted by ${COLS[table.sort]![0]}${table.desc ? ", descending" : ""})`
      : "no rows";
  }
  $("#prev").addEventListener("click", () => {
    table.page = Math.max(0, table.page - 1);
    renderTable();
  });
  $("#next").addEventListener("click", () => {
    table.page++;
    renderTable();
  });

  filters.addEventListener("change", (ev) => {
    const box = ev.target as HTMLInputElement;
    const f = box.getAttribute("data-filter");
    if (!f) return;
    if (box.checked) off[f]!.delete(box.value);
    else off[f]!.add(box.value);
    draw();
  });
  draw();
  document.body.offsetHeight;
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      (window as any).__infxRenderMs = performance.now();
      (window as any).__infxScriptMs = performance.now() - T0;
    }),
  );
}
