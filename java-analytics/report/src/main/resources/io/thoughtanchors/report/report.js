'use strict';
// Draws every chart container of the page with ECharts (SVG renderer). HtmlReport leaves out the containers
// of figures the model cannot draw, so each container here has its data.
(function () {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const focus = data.focus;

  // ---- formatting and tooltips (everything from the data is escaped: tooltips are HTML) ----

  const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  const esc = (value) => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);

  /** Four significant digits, without trailing zeros; exponent form for very small or large numbers. */
  function fmt(x, digits = 4) {
    if (x == null || !Number.isFinite(x)) return 'n/a';
    const a = Math.abs(x);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(digits - 1);
    return String(Number(x.toPrecision(digits)));
  }

  const traces = new Map(data.traces.map((t) => [t.traceId, t]));
  for (const t of traces.values()) t.position = new Map(t.index.map((index, k) => [index, k]));

  /** The sentence with this index in this trace, or null. */
  function sentenceAt(traceId, index) {
    const t = traces.get(traceId);
    const k = t && t.position.get(index);
    if (k === undefined) return null;
    return {
      traceId, index, category: t.category[k], text: t.text[k],
      receiverScore: t.receiverScore[k], counterfactualImportance: t.counterfactualImportance[k],
    };
  }

  function sentenceHtml(role, s, index, withTrace = false) {
    const head = `${role ? role + ' ' : ''}sentence ${index}`;
    if (!s) return `<div class="tt-sentence"><div class="tt-head">${esc(head)} (no text)</div></div>`;
    const scores = [`receiver score ${fmt(s.receiverScore)}`];
    if (s.counterfactualImportance != null) scores.push(`counterfactual importance ${fmt(s.counterfactualImportance)}`);
    return `<div class="tt-sentence"><div class="tt-head">${esc(head)} · ${esc(s.category ?? 'unlabelled')}`
      + `${withTrace ? ' · ' + esc(s.traceId) : ''}</div><div class="tt-text">${esc(s.text)}</div>`
      + `<div class="tt-head">${esc(scores.join(' · '))}</div></div>`;
  }

  const valueHtml = (name, value) => `<div>${esc(name)}: <span class="tt-value">${esc(fmt(value))}</span></div>`;

  // ---- shared option pieces ----

  // One colour per sentence category, the same in every chart and in the static PNGs (ReportModel.categoryOrder).
  const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
    '#9c755f', '#bab0ac'];
  const categoryNames = data.categories.order;
  const categoryColour = (name) => PALETTE[categoryNames.indexOf(name ?? 'unlabelled') % PALETTE.length];
  const RECEIVER_COLOUR = '#d62728';
  const HEAD_COLOUR = '#7f8c9d';
  const TOOLTIP = { className: 'report-tooltip', confine: true, transitionDuration: 0 };

  /**
   * What every chart shares: a title, subtitle lines ending with the model (so a saved SVG says what ran), SVG
   * export, the tooltip style, and a grid below the title. grid.top is the gap below the title block.
   */
  function base(el, title, subtitles, grid = {}) {
    const lines = [...subtitles, data.settings.modelLabel];
    const titleHeight = 36 + 16 * lines.length;
    return {
      animation: false,
      title: {
        text: title, subtext: lines.join('\n'), left: 12, top: 4,
        // Lines are kept short; truncating guards the export icon against very long trace ids.
        textStyle: { fontSize: 14, width: el.clientWidth - 70, overflow: 'truncate' },
        subtextStyle: { fontSize: 12, lineHeight: 16, width: el.clientWidth - 70, overflow: 'truncate' },
      },
      toolbox: { right: 12, top: 4, feature: { saveAsImage: { name: el.id, title: 'save as SVG' } } },
      tooltip: TOOLTIP,
      grid: { left: 64, right: 24, bottom: 56, ...grid, top: titleHeight + (grid.top ?? 12) },
    };
  }

  const axisName = (name, gap) => ({ name, nameLocation: 'middle', nameGap: gap });
  // Value axes of scatter plots sit at the plot's edges (ECharts draws them through zero by default).
  const edgeAxis = (name, gap, extra = {}) => ({ type: 'value', axisLine: { onZero: false }, ...extra, ...axisName(name, gap) });
  const headLabel = (layer, head) => `L${layer}H${head}`;
  const flatLabel = (flat) => headLabel(Math.floor(flat / data.kurtosis.heads), flat % data.kurtosis.heads);
  const finite = (values) => values.filter((v) => v != null && Number.isFinite(v));
  const topRank = new Map(data.kurtosis.topHeads.map((h, rank) => [h.layer * data.kurtosis.heads + h.head, rank]));

  /** Type-7 quantile of sorted values. */
  function quantile(sorted, q) {
    const at = (sorted.length - 1) * q;
    const lo = Math.floor(at);
    return lo + 1 < sorted.length ? sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (at - lo) : sorted[lo];
  }

  // ---- sentence × sentence heatmaps (Figures 4A and 6A) ----

  /** A square plot area (square cells), centred, leaving room for the axes and the colour bar on its right. */
  function squareGrid(el, top) {
    const room = el.clientWidth - 70 - 110;
    const side = Math.max(120, Math.min(room, el.clientHeight - top - 50));
    return { left: 70 + Math.max(0, (room - side) / 2), top, width: side, height: side };
  }

  function heatmap(el, spec) {
    const n = spec.matrix.length;
    const cells = [];
    spec.matrix.forEach((row, i) => row.forEach((v, j) => { if (v != null) cells.push([j, i, v]); }));
    const indices = Array.from({ length: n }, (_, k) => k);
    const option = base(el, spec.title, [`trace ${spec.traceId}`, spec.colourNote], { top: 16 });
    const grid = squareGrid(el, option.grid.top);
    return {
      ...option,
      grid,
      xAxis: { type: 'category', data: indices, ...axisName(spec.colName, 26), splitArea: { show: false } },
      yAxis: { type: 'category', data: indices, inverse: true, ...axisName(spec.rowName, 40), splitArea: { show: false } },
      visualMap: {
        type: 'continuous', dimension: 2, min: spec.min, max: spec.max, calculable: true, precision: 3,
        orient: 'vertical', left: grid.left + grid.width + 20, top: grid.top, itemHeight: grid.height * 0.8,
        inRange: { color: spec.colours },
      },
      tooltip: {
        ...TOOLTIP, trigger: 'item',
        formatter: (p) => {
          const [j, i, v] = p.value;
          return valueHtml(`${spec.valueName} (i = ${i}, j = ${j})`, v)
            + sentenceHtml(spec.rowRole, sentenceAt(spec.traceId, i), i)
            + sentenceHtml(spec.colRole, sentenceAt(spec.traceId, j), j);
        },
      },
      series: [{
        type: 'heatmap', data: cells, progressive: 0,
        emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } },
      }],
    };
  }

  function headMatrix(el) {
    const values = finite(focus.headMatrix.flat()).sort((a, b) => a - b);
    return heatmap(el, {
      matrix: focus.headMatrix, traceId: focus.traceId,
      title: `Receiver head ${focus.head.label}: attention between sentences`,
      colourNote: 'colour: attention weight, capped at its 99th percentile',
      min: 0, max: values.length ? quantile(values, 0.99) : 1, colours: ['#ffffff', '#08519c'],
      rowName: 'receiving sentence i', colName: 'attended sentence j', rowRole: 'receiving', colRole: 'attended',
      valueName: 'attention weight',
    });
  }

  function suppressionMatrix(el) {
    const s = data.suppression;
    return heatmap(el, {
      matrix: s.normalised, traceId: s.traceId,
      title: 'Suppression matrix: row-normalised ln KL',
      colourNote: `colour: row-normalised ln KL in [${fmt(s.colourLow)}, ${fmt(s.colourHigh)}]`,
      min: s.colourLow, max: s.colourHigh, colours: ['#ffffff', '#b2182b'],
      rowName: 'receiving sentence i', colName: 'suppressed sentence j', rowRole: 'receiving', colRole: 'suppressed',
      valueName: 'row-normalised ln KL',
    });
  }

  // ---- head charts (Figure 4B–E) ----

  function layerVerticalScores(el) {
    const layer = focus.head.layer;
    const n = Math.max(0, ...focus.layerScores.map((row) => row.length));
    return {
      ...base(el, `Vertical scores of every head in layer ${layer}`,
        [`trace ${focus.traceId}`, `receiver head ${focus.head.label} in red`], { bottom: 84 }),
      legend: { type: 'scroll', bottom: 4 },
      xAxis: { type: 'category', data: Array.from({ length: n }, (_, k) => k), ...axisName('sentence index', 28) },
      yAxis: { type: 'value', ...axisName('vertical score (mean attention received)', 50) },
      tooltip: {
        ...TOOLTIP, trigger: 'axis',
        formatter: (params) => {
          const k = params[0].dataIndex;
          const rows = params.filter((p) => p.value != null).sort((a, b) => b.value - a.value)
            .map((p) => valueHtml(p.seriesName, p.value)).join('');
          return sentenceHtml('', sentenceAt(focus.traceId, k), k) + rows;
        },
      },
      // The receiver head stands out; the layer's other heads are its background.
      series: focus.layerScores.map((scores, h) => (h === focus.head.head
        ? { type: 'line', name: headLabel(layer, h), data: scores, showSymbol: false, z: 3,
          itemStyle: { color: RECEIVER_COLOUR }, lineStyle: { width: 2.5 } }
        : { type: 'line', name: headLabel(layer, h), data: scores, showSymbol: false, z: 2,
          lineStyle: { width: 1, opacity: 0.5 }, emphasis: { focus: 'series' } })),
    };
  }

  function headTooltip(flat, value, name = 'mean kurtosis') {
    const rank = topRank.get(flat);
    return `<div class="tt-head">${esc(flatLabel(flat))}${rank === undefined ? '' : ' · receiver head #' + (rank + 1)}</div>`
      + valueHtml(name, value);
  }

  function kurtosisByLayer(el) {
    const k = data.kurtosis;
    const spread = 0.7 / k.heads; // heads of one layer side by side within the layer's band
    const points = { head: [], receiver: [] };
    k.mean.forEach((v, flat) => {
      if (v == null) return;
      const layer = Math.floor(flat / k.heads);
      points[topRank.has(flat) ? 'receiver' : 'head'].push([layer + (flat % k.heads - (k.heads - 1) / 2) * spread, v, flat]);
    });
    const excluded = k.mean.length - points.head.length - points.receiver.length;
    return {
      ...base(el, 'Head kurtosis by layer',
        [`all traces · ${k.layers} layers × ${k.heads} heads${excluded ? ` · ${excluded} excluded heads not shown` : ''}`],
        { bottom: 70 }),
      legend: { bottom: 4 },
      // Layers label a category axis; points sit on a hidden value axis whose unit is one layer band.
      xAxis: [
        { type: 'category', data: Array.from({ length: k.layers }, (_, l) => l), axisTick: { alignWithLabel: true },
          ...axisName('layer', 28) },
        { type: 'value', min: -0.5, max: k.layers - 0.5, show: false },
      ],
      yAxis: edgeAxis('mean kurtosis of vertical scores', 44),
      tooltip: { ...TOOLTIP, trigger: 'item', formatter: (p) => headTooltip(p.value[2], p.value[1]) },
      series: [
        { type: 'scatter', name: 'head', xAxisIndex: 1, data: points.head, symbolSize: 6,
          itemStyle: { color: HEAD_COLOUR, opacity: 0.7 } },
        {
          type: 'scatter', name: 'receiver head', xAxisIndex: 1, data: points.receiver, symbol: 'diamond', symbolSize: 13,
          itemStyle: { color: RECEIVER_COLOUR }, label: { show: true, position: 'top', formatter: (p) => flatLabel(p.value[2]) },
          labelLayout: { hideOverlap: true }, // a name that would overlap another is left to the tooltip
        },
      ],
    };
  }

  function kurtosisHistogram(el) {
    const k = data.kurtosis;
    const values = finite(k.mean);
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const bins = Math.min(50, Math.max(5, Math.ceil(Math.sqrt(values.length))));
    const width = (hi - lo) / bins || 1;
    const counts = new Array(bins).fill(0);
    const receivers = Array.from({ length: bins }, () => []);
    k.mean.forEach((v, flat) => {
      if (v == null) return;
      const b = Math.min(bins - 1, Math.floor((v - lo) / width));
      counts[b] += 1;
      if (topRank.has(flat)) receivers[b].push(flatLabel(flat));
    });
    const edge = (b) => lo + b * width;
    return {
      ...base(el, 'Histogram of head kurtosis', [`all traces · ${values.length} heads · bins holding a receiver head in red`]),
      xAxis: {
        type: 'category', data: counts.map((_, b) => fmt(edge(b) + width / 2, 3)),
        ...axisName('mean kurtosis of vertical scores (bin centre)', 30),
      },
      yAxis: { type: 'value', minInterval: 1, ...axisName('heads', 40) },
      tooltip: {
        ...TOOLTIP, trigger: 'item',
        formatter: (p) => `<div class="tt-head">kurtosis ${esc(fmt(edge(p.dataIndex)))} – ${esc(fmt(edge(p.dataIndex + 1)))}</div>`
          + valueHtml('heads', p.value)
          + (receivers[p.dataIndex].length ? valueHtml('receiver heads', receivers[p.dataIndex].join(', ')) : ''),
      },
      series: [{
        type: 'bar', name: 'heads', barCategoryGap: '4%',
        data: counts.map((c, b) => ({ value: c, itemStyle: { color: receivers[b].length ? RECEIVER_COLOUR : HEAD_COLOUR } })),
      }],
    };
  }

  function reliability(el) {
    const r = data.reliability;
    const points = [];
    r.firstHalf.forEach((a, flat) => {
      const b = r.secondHalf[flat];
      if (a != null && b != null) points.push([a, b, flat]);
    });
    const all = points.flatMap((p) => [p[0], p[1]]);
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    return {
      ...base(el, 'Split-half reliability of head kurtosis', [
        `${r.split} split · Pearson r = ${fmt(r.pearsonR, 3)} (p = ${fmt(r.pearsonP, 3)}) · Spearman ρ = ${fmt(r.spearmanR, 3)}`,
        `${points.length} heads · receiver heads in red · dashed: y = x`]),
      xAxis: edgeAxis(`mean kurtosis, first half (${r.tracesFirst} traces)`, 28, { scale: true }),
      yAxis: edgeAxis(`mean kurtosis, second half (${r.tracesSecond} traces)`, 44, { scale: true }),
      tooltip: {
        ...TOOLTIP, trigger: 'item',
        formatter: (p) => headTooltip(p.value[2], p.value[0], 'first half') + valueHtml('second half', p.value[1]),
      },
      series: [{
        type: 'scatter', name: 'head', symbolSize: 7,
        data: points.map((p) => ({
          value: p, itemStyle: { color: topRank.has(p[2]) ? RECEIVER_COLOUR : HEAD_COLOUR, opacity: 0.8 },
        })),
        markLine: {
          silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#999' }, label: { show: false },
          data: points.length ? [[{ coord: [lo, lo] }, { coord: [hi, hi] }]] : [],
        },
      }],
    };
  }

  // ---- Figure 5 ----

  /** A category mean's tooltip: the mean, its bootstrap interval over problems and how many problems it rests on. */
  function categoryMeanHtml(m) {
    const level = `${fmt(data.categories.interval.level * 100, 3)}% CI`;
    const rows = [`<div class="tt-head">${esc(m.category)} · mean over traces</div>`, valueHtml('mean', m.mean)];
    if (m.ciLow != null && m.ciHigh != null) {
      rows.push(`<div>${esc(level)}: <span class="tt-value">[${esc(fmt(m.ciLow))}, ${esc(fmt(m.ciHigh))}]</span></div>`);
    } else {
      rows.push(`<div>${esc(level)}: no interval (one problem)</div>`);
    }
    const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;
    rows.push(`<div>${esc(`${count(m.traces, 'trace')} of ${count(m.problems, 'problem')}`)}${m.fewProblems
      ? esc(` · fewer than ${data.categories.interval.fewProblemsBelow} problems: a rough interval`) : ''}</div>`);
    return rows.join('');
  }

  function categoryBoxplot(el) {
    const c = data.categories;
    const shown = c.names.filter((name) => finite(Object.values(c.perTrace[name] ?? {})).length > 0);
    const boxes = shown.map((name) => {
      const v = finite(Object.values(c.perTrace[name])).sort((a, b) => a - b);
      return [v[0], quantile(v, 0.25), quantile(v, 0.5), quantile(v, 0.75), v[v.length - 1]];
    });
    const points = shown.flatMap((name, x) => Object.entries(c.perTrace[name])
      .filter(([, v]) => v != null).map(([trace, v]) => ({ value: [x, v], trace, itemStyle: { color: categoryColour(name) } })));
    const traceCount = new Set(points.map((p) => p.trace)).size;
    // The mean of each category with its bootstrap interval over problems; hollow and dashed when few problems.
    const meanOf = new Map(c.means.map((m) => [m.category, m]));
    const means = shown.map((name, x) => ({ x, m: meanOf.get(name) })).filter(({ m }) => m && m.mean != null);
    const meanPoints = means.map(({ x, m }) => ({ value: [x, m.mean], mean: m, symbol: m.fewProblems ? 'emptyDiamond' : 'diamond' }));
    const intervals = means.filter(({ m }) => m.ciLow != null && m.ciHigh != null)
      .map(({ x, m }) => ({ value: [x, m.ciLow, m.ciHigh], mean: m }));
    const level = `${fmt(c.interval.level * 100, 3)}%`;
    const errorBar = (params, api) => {
      const x = api.value(0);
      const low = api.coord([x, api.value(1)]);
      const high = api.coord([x, api.value(2)]);
      const cap = api.size([1, 0])[0] * 0.12;
      const dashed = intervals[params.dataIndex].mean.fewProblems;
      const style = { stroke: RECEIVER_COLOUR, lineWidth: 2, lineDash: dashed ? [4, 3] : null };
      const line = (x1, y1, x2, y2) => ({ type: 'line', shape: { x1, y1, x2, y2 }, style });
      return {
        type: 'group',
        children: [line(low[0], low[1], high[0], high[1]), line(low[0] - cap, low[1], low[0] + cap, low[1]),
          line(high[0] - cap, high[1], high[0] + cap, high[1])],
      };
    };
    return {
      ...base(el, 'Receiver-head score by sentence category',
        [`${traceCount} traces · box: quartiles, whiskers: range, dots: traces`,
          `◆ mean, bar: ${level} CI, bootstrap over problems (${c.interval.resamples} resamples)`,
          `hollow ◆, dashed bar: fewer than ${c.interval.fewProblemsBelow} problems`], { left: 70, bottom: 96 }),
      xAxis: { type: 'category', data: shown, axisLabel: { rotate: 25, interval: 0 }, ...axisName('sentence category', 80) },
      yAxis: { type: 'value', scale: true, ...axisName('receiver-head score (per-trace aggregate)', 50) },
      tooltip: {
        ...TOOLTIP, trigger: 'item',
        formatter: (p) => {
          if (p.seriesType === 'boxplot') {
            return `<div class="tt-head">${esc(shown[p.dataIndex])}</div>`
              + ['min', 'Q1', 'median', 'Q3', 'max'].map((name, q) => valueHtml(name, boxes[p.dataIndex][q])).join('');
          }
          if (p.data.mean) return categoryMeanHtml(p.data.mean);
          return `<div class="tt-head">${esc(shown[p.value[0]])} · ${esc(p.data.trace)}</div>${valueHtml('receiver-head score', p.value[1])}`;
        },
      },
      series: [
        { type: 'boxplot', name: 'traces', data: boxes, itemStyle: { color: '#eef2f8', borderColor: '#4e5d78' } },
        { type: 'scatter', name: 'trace', data: points, symbolSize: 7, z: 3 },
        { type: 'custom', name: `${level} CI`, data: intervals, renderItem: errorBar, encode: { x: 0, y: [1, 2] }, z: 4 },
        { type: 'scatter', name: 'mean', data: meanPoints, symbolSize: 13, z: 5, itemStyle: { color: RECEIVER_COLOUR } },
      ],
    };
  }

  // ---- Figure 6B ----

  function suppressionByDistance(el) {
    const s = data.suppression;
    const at = (values) => s.distance.map((d, k) => [d, values[k]]);
    const lower = s.meanByDistance.map((m, k) => (m == null || s.seByDistance[k] == null ? null : m - s.seByDistance[k]));
    const band = s.seByDistance.map((se) => (se == null ? null : 2 * se));
    return {
      ...base(el, 'Suppression effect by sentence distance', [`trace ${s.traceId}`, 'mean ± standard error'], { bottom: 70 }),
      legend: { bottom: 4, data: ['mean', { name: '± 1 SE', icon: 'rect' }, ...(s.placeboByDistance ? ['placebo mean'] : [])] },
      xAxis: { type: 'value', min: 'dataMin', max: 'dataMax', ...axisName('distance i − j (sentences)', 28) },
      yAxis: { type: 'value', scale: true, ...axisName('mean row-normalised ln KL', 44) },
      tooltip: {
        ...TOOLTIP, trigger: 'axis',
        formatter: (params) => {
          const k = params[0].dataIndex;
          return `<div class="tt-head">distance ${esc(s.distance[k])}</div>`
            + valueHtml('mean', s.meanByDistance[k]) + valueHtml('standard error', s.seByDistance[k])
            + (s.placeboByDistance ? valueHtml('placebo mean', s.placeboByDistance[k]) : '');
        },
      },
      // The band is two stacked lines: the lower edge, then its width filled. stackStrategy 'all': the default
      // stacks negative and positive values apart, which would detach the band from a mean below zero.
      series: [
        {
          type: 'line', name: 'lower', data: at(lower), stack: 'se', stackStrategy: 'all', showSymbol: false,
          lineStyle: { opacity: 0 }, silent: true,
        },
        {
          type: 'line', name: '± 1 SE', data: at(band), stack: 'se', stackStrategy: 'all', showSymbol: false, silent: true,
          lineStyle: { opacity: 0 }, areaStyle: { color: 'rgba(178, 24, 43, 0.18)' }, itemStyle: { color: 'rgba(178, 24, 43, 0.35)' },
        },
        { type: 'line', name: 'mean', data: at(s.meanByDistance), showSymbol: false, itemStyle: { color: '#b2182b' }, lineStyle: { width: 2 } },
        // docs/algorithms.md §12.9: the same cells' placebo spans, normalised with the real rows' means
        ...(s.placeboByDistance ? [{
          type: 'line', name: 'placebo mean', data: at(s.placeboByDistance), showSymbol: false,
          itemStyle: { color: '#4d4d4d' }, lineStyle: { width: 2, type: 'dashed' },
        }] : []),
      ],
    };
  }

  // ---- black box against white box ----

  function receiverVsCounterfactual(el) {
    const b = data.blackBox;
    const byCategory = new Map();
    for (const t of data.traces) {
      t.index.forEach((index, k) => {
        const x = t.counterfactualImportance[k];
        const y = t.receiverScore[k];
        if (x == null || y == null) return;
        const category = t.category[k] ?? 'unlabelled';
        if (!byCategory.has(category)) byCategory.set(category, []);
        byCategory.get(category).push([x, y, t.traceId, index]);
      });
    }
    return {
      ...base(el, 'Receiver-head score against counterfactual importance', [
        `${b.pairs} sentences · Pearson r = ${fmt(b.pearsonR, 3)} (p = ${fmt(b.pearsonP, 3)}) · Spearman ρ = ${fmt(b.spearmanR, 3)}`,
        b.residual
          ? `per-trace mean of the residualised ρ against resampling: ${fmt(b.residual.meanSpearman, 3)} [95% CI ${fmt(b.residual.ciLow, 3)}, ${fmt(b.residual.ciHigh, 3)}] over ${b.residual.tracesUsed} trace${b.residual.tracesUsed === 1 ? '' : 's'}`
          : `residualised ρ against resampling not computed: ${data.notComputed.RESIDUAL_CORRELATION}`,
      ], { left: 70, bottom: 100 }),
      legend: { bottom: 4, left: 12, right: 12 },
      xAxis: edgeAxis('counterfactual importance (change in answer accuracy)', 28, { scale: true }),
      yAxis: edgeAxis('receiver-head score', 50, { scale: true }),
      tooltip: {
        ...TOOLTIP, trigger: 'item',
        formatter: (p) => sentenceHtml('', sentenceAt(p.value[2], p.value[3]), p.value[3], true),
      },
      series: categoryNames.filter((c) => byCategory.has(c)).map((c) => ({
        type: 'scatter', name: c, data: byCategory.get(c), symbolSize: 7, itemStyle: { color: categoryColour(c), opacity: 0.75 },
      })),
    };
  }

  // ---- per-sentence bars ----

  /** One bar per sentence, coloured by category (one stacked series per category, so the legend filters). */
  function sentenceBars(el, spec) {
    const n = spec.values.length;
    const categoryOf = (k) => sentenceAt(spec.traceId, spec.indices[k])?.category ?? 'unlabelled';
    const present = categoryNames.filter((c) => spec.values.some((_, k) => categoryOf(k) === c));
    const visible = 150; // a wider first view makes bars too thin to hover
    const option = base(el, spec.title, [`trace ${spec.traceId} · ${n} sentences`], { left: 70, right: 30, top: 40, bottom: 78 });
    return {
      ...option,
      legend: { top: option.grid.top - 34, left: 12, right: 12 },
      xAxis: { type: 'category', data: spec.indices, ...axisName('sentence index', 28) },
      yAxis: { type: 'value', ...axisName(spec.valueName, 50) },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, startValue: 0, endValue: Math.min(n, visible) - 1 },
        { type: 'slider', xAxisIndex: 0, bottom: 8, height: 18, showDataShadow: false },
      ],
      tooltip: {
        ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' },
        formatter: (params) => {
          const k = params[0].dataIndex;
          const index = spec.indices[k];
          return valueHtml(spec.valueName, spec.values[k]) + sentenceHtml('', sentenceAt(spec.traceId, index), index);
        },
      },
      series: present.map((c) => ({
        type: 'bar', name: c, stack: 'sentence', barCategoryGap: '15%', itemStyle: { color: categoryColour(c) },
        data: spec.values.map((v, k) => (categoryOf(k) === c ? v : null)),
      })),
    };
  }

  const traceSelect = document.getElementById('sentence-trace');

  function sentenceReceiverScores(el) {
    const t = traces.get(traceSelect ? traceSelect.value : focus.traceId);
    return sentenceBars(el, {
      traceId: t.traceId, indices: t.index, values: t.receiverScore,
      title: 'Receiver-head score of every sentence', valueName: 'receiver-head score',
    });
  }

  function sentenceVerticalScores(el) {
    const values = focus.layerScores[focus.head.head];
    return sentenceBars(el, {
      traceId: focus.traceId, indices: values.map((_, k) => k), values,
      title: `Vertical score of every sentence under receiver head ${focus.head.label}`,
      valueName: `vertical score under ${focus.head.label}`,
    });
  }

  // ---- the receiver heads against their controls (docs/algorithms.md §6.4–6.5) ----

  function headControls(el) {
    const c = data.controls;
    const labels = c.heads.map((h) => h.label);
    const sweep = c.sweep.map((p) => `k = ${p.proximityIgnore}${p.configured ? ' (this run)' : ''}: overlap ${fmt(p.overlap)}, ρ ${fmt(p.spearman)}`);
    const series = [
      { type: 'bar', name: 'mean kurtosis', data: c.heads.map((h) => h.meanKurtosis), itemStyle: { color: RECEIVER_COLOUR } },
      { type: 'scatter', name: `recency share (within ${c.recencyWindow} sentences)`, yAxisIndex: 1, symbol: 'triangle',
        symbolSize: 11, data: c.heads.map((h) => h.recencyShare), itemStyle: { color: '#59a14f' } },
    ];
    if (c.nullComputed) {
      series.push({ type: 'scatter', name: 'null mean', data: c.heads.map((h) => h.nullMean), symbolSize: 9,
        itemStyle: { color: HEAD_COLOUR } });
      // null mean ± one standard deviation as a vertical bar with caps
      series.push({
        type: 'custom', name: 'null mean ± sd', itemStyle: { color: HEAD_COLOUR },
        data: c.heads.map((h, k) => [k, h.nullMean == null || h.nullSd == null ? null : h.nullMean - h.nullSd,
          h.nullMean == null || h.nullSd == null ? null : h.nullMean + h.nullSd]),
        renderItem: (params, api) => {
          if (api.value(1) == null || Number.isNaN(api.value(1))) return null;
          const low = api.coord([api.value(0), api.value(1)]);
          const high = api.coord([api.value(0), api.value(2)]);
          const cap = 6;
          const style = { stroke: HEAD_COLOUR, lineWidth: 1.5 };
          return { type: 'group', children: [
            { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style },
            { type: 'line', shape: { x1: low[0] - cap, y1: low[1], x2: low[0] + cap, y2: low[1] }, style },
            { type: 'line', shape: { x1: high[0] - cap, y1: high[1], x2: high[0] + cap, y2: high[1] }, style },
          ] };
        },
      });
    }
    return {
      ...base(el, 'Receiver heads against their controls',
        [c.nullComputed ? `kurtosis against ${c.permutations} random re-segmentations of the same tokens (mean ± sd)`
          : 're-segmentation null not computed (--segmentation-null PERMS)', ...(sweep.length ? [sweep.join(' · ')] : [])],
        { bottom: 70, right: 64 }),
      legend: { bottom: 4 },
      xAxis: { type: 'category', data: labels, ...axisName('receiver head (rank order)', 28) },
      yAxis: [edgeAxis('mean kurtosis of vertical scores', 44), { type: 'value', min: 0, max: 1, ...axisName('recency share', 40) }],
      tooltip: {
        ...TOOLTIP, trigger: 'axis',
        formatter: (items) => {
          const h = c.heads[items[0].dataIndex];
          return `<div class="tt-head">${esc(h.label)} · receiver head #${items[0].dataIndex + 1}</div>`
            + valueHtml('mean kurtosis', h.meanKurtosis) + valueHtml('recency share', h.recencyShare)
            + (c.nullComputed ? valueHtml('null mean', h.nullMean) + valueHtml('null sd', h.nullSd)
              + valueHtml('z', h.z) + valueHtml('p', h.p) : '');
        },
      },
      series,
    };
  }

  // ---- drawing ----

  const DRAW = {
    fig4a_receiver_head_matrix: headMatrix,
    fig4b_layer_vertical_scores: layerVerticalScores,
    fig4c_kurtosis_by_layer: kurtosisByLayer,
    fig4d_kurtosis_histogram: kurtosisHistogram,
    fig4e_split_half_reliability: reliability,
    fig5_receiver_score_by_category: categoryBoxplot,
    fig6a_suppression_matrix: suppressionMatrix,
    fig6b_suppression_by_distance: suppressionByDistance,
    receiver_vs_counterfactual: receiverVsCounterfactual,
    sentence_receiver_scores: sentenceReceiverScores,
    sentence_vertical_scores: sentenceVerticalScores,
    head_controls: headControls,
  };

  const containers = [...document.querySelectorAll('.chart')];
  let pending = containers.length;
  const chartDone = () => {
    pending -= 1;
    if (pending === 0) window.__reportReady = true;
  };

  function draw(el) {
    try {
      const build = DRAW[el.id];
      if (!build) throw new Error('no chart is defined for this container');
      const chart = echarts.init(el, null, { renderer: 'svg' });
      let first = true;
      // 'finished' fires once the chart is fully drawn; tests wait on data-rendered.
      chart.on('finished', () => {
        el.dataset.rendered = 'true';
        if (first) {
          first = false;
          chartDone();
        }
      });
      chart.setOption(build(el));
      window.addEventListener('resize', () => {
        chart.resize();
        // Heatmaps lay out their square plot from the container's size; other charts keep their zoom.
        if (el.closest('.square')) chart.setOption(build(el));
      });
      if (el.id === 'sentence_receiver_scores' && traceSelect) {
        traceSelect.addEventListener('change', () => chart.setOption(build(el), { notMerge: true }));
      }
    } catch (e) {
      window.__reportErrors.push(`${el.id}: ${e && e.message}`);
      el.classList.add('chart-failed');
      el.textContent = `This chart could not be drawn: ${e && e.message}`;
      chartDone();
    }
  }

  document.getElementById('echarts-version').textContent = echarts.version;
  if (pending === 0) window.__reportReady = true;
  containers.forEach(draw);
}());
