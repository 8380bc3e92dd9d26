// The token-level head view: draws each head's query x key matrix as SVG from the inline data, and keeps one query
// token selected across the page (the select, a click on a matrix row or a token) whose attention colours each
// head's copy of the text. Model text only ever reaches the page as text (textContent), never as markup.
(function () {
  'use strict';
  const SVG = 'http://www.w3.org/2000/svg';
  const INK = [8, 48, 107];
  const LABEL_CHARS = 14;
  const TOP_KEYS = 5;
  const data = JSON.parse(document.getElementById('head-view-data').textContent);
  const tokens = data.tokens;
  const n = tokens.length;
  const cell = Math.max(8, Math.min(26, Math.floor(960 / n)));
  const font = Math.max(7, Math.min(13, cell - 2));
  const tooltip = document.getElementById('head-view-tooltip');
  const picker = document.getElementById('query-token');
  const rowScale = document.getElementById('row-scale');
  const rowMax = data.heads.map((head) => head.rows.map((row) => Math.max(...row)));
  const sections = Array.from(document.querySelectorAll('section.head'));

  /** The weight as the tooltips and readouts show it: six significant digits, no trailing zeros. */
  function format(w) {
    return w === 0 ? '0' : String(Number(w.toPrecision(6)));
  }

  function colour(w) {
    const mix = (c) => Math.round(255 + (c - 255) * w);
    return `rgb(${mix(INK[0])},${mix(INK[1])},${mix(INK[2])})`;
  }

  function shortLabel(i) {
    const label = tokens[i].label;
    return label.length > LABEL_CHARS ? label.slice(0, LABEL_CHARS - 1) + '…' : label;
  }

  /** What colours a weight: the weight itself, or its share of the row's largest with the box ticked. */
  function shade(h, q, w) {
    if (!rowScale.checked) return w;
    const top = rowMax[h][q];
    return top > 0 ? w / top : 0;
  }

  function recolour() {
    sections.forEach((section, h) => {
      for (const rect of section.querySelectorAll('.matrix rect.cell')) {
        const q = Number(rect.dataset.q);
        rect.setAttribute('fill', colour(shade(h, q, data.heads[h].rows[q][Number(rect.dataset.k)])));
      }
    });
    document.getElementById('legend-top').textContent = rowScale.checked ? 'row max' : '1';
    select(Number(picker.value));
  }

  /** Weight of key k for query q in head h; keys after the query are masked (not in the data). */
  function weight(h, q, k) {
    return k <= q ? data.heads[h].rows[q][k] : null;
  }

  function svgElement(name, attributes) {
    const el = document.createElementNS(SVG, name);
    for (const [key, value] of Object.entries(attributes)) el.setAttribute(key, value);
    return el;
  }

  function drawMatrix(h, container) {
    const longest = tokens.reduce((m, t, i) => Math.max(m, shortLabel(i).length), 1);
    const margin = Math.ceil(longest * font * 0.62) + 10;
    const side = margin + n * cell + 4;
    const svg = svgElement('svg', { width: side, height: side, viewBox: `0 0 ${side} ${side}` });
    const cells = document.createDocumentFragment();
    for (let q = 0; q < n; q++) {
      const row = data.heads[h].rows[q];
      for (let k = 0; k <= q; k++) {
        cells.appendChild(svgElement('rect', {
          class: 'cell', x: margin + k * cell, y: margin + q * cell, width: cell, height: cell,
          fill: colour(shade(h, q, row[k])), 'data-q': q, 'data-k': k,
        }));
      }
    }
    svg.appendChild(cells);
    const labels = document.createDocumentFragment();
    for (let i = 0; i < n; i++) {
      const rowLabel = svgElement('text', {
        class: 'row-label', x: margin - 4, y: margin + i * cell + cell / 2, 'font-size': font,
        'text-anchor': 'end', 'dominant-baseline': 'central', 'data-i': i,
      });
      rowLabel.textContent = shortLabel(i);
      const x = margin + i * cell + cell / 2;
      const columnLabel = svgElement('text', {
        class: 'column-label', x, y: margin - 4, 'font-size': font, 'dominant-baseline': 'central',
        transform: `rotate(-90 ${x} ${margin - 4})`, 'data-i': i,
      });
      columnLabel.textContent = shortLabel(i);
      labels.append(rowLabel, columnLabel);
    }
    svg.appendChild(labels);
    svg.appendChild(svgElement('rect', { class: 'row-mark', x: margin, y: margin, width: cell, height: cell }));
    svg.dataset.margin = margin;
    container.appendChild(svg);

    svg.addEventListener('mouseover', (e) => {
      const target = e.target;
      if (target.classList.contains('cell')) {
        show(h, Number(target.dataset.q), Number(target.dataset.k), e);
      } else if (target.dataset.i !== undefined) {
        const i = Number(target.dataset.i);
        tip(`token ${i} ${tokens[i].label}\nclick: make it the query`, e);
      }
    });
    svg.addEventListener('mousemove', (e) => place(e));
    svg.addEventListener('mouseleave', hide);
    svg.addEventListener('click', (e) => {
      const t = e.target;
      if (t.classList.contains('cell')) select(Number(t.dataset.q));
      else if (t.dataset.i !== undefined) select(Number(t.dataset.i));
    });
    container.dataset.rendered = 'true';
  }

  function show(h, q, k, e) {
    const w = weight(h, q, k);
    tip(`${data.heads[h].label}\nquery  ${q} ${tokens[q].label}\nkey    ${k} ${tokens[k].label}\nweight `
      + (w === null ? 'masked (after the query)' : format(w)), e);
  }

  function tip(text, e) {
    tooltip.textContent = text;
    tooltip.hidden = false;
    place(e);
  }

  function place(e) {
    if (tooltip.hidden) return;
    const x = Math.min(e.clientX + 14, window.innerWidth - tooltip.offsetWidth - 4);
    const y = e.clientY + 18 + tooltip.offsetHeight > window.innerHeight ? e.clientY - tooltip.offsetHeight - 10
      : e.clientY + 18;
    tooltip.style.left = `${Math.max(0, x)}px`;
    tooltip.style.top = `${Math.max(0, y)}px`;
  }

  function hide() {
    tooltip.hidden = true;
  }

  /** Makes token q the query everywhere: the picker, each head's text, readout and matrix row mark. */
  function select(q) {
    picker.value = String(q);
    sections.forEach((section, h) => {
      for (const span of section.querySelectorAll('.token-text .tok')) {
        const k = Number(span.dataset.i);
        const w = weight(h, q, k);
        span.classList.toggle('query', k === q);
        span.classList.toggle('future', w === null);
        const s = w === null ? null : shade(h, q, w);
        span.classList.toggle('dark', s !== null && s > 0.55);
        span.style.backgroundColor = s === null ? '' : `rgba(${INK.join(',')},${s})`;
        if (w === null) delete span.dataset.weight;
        else span.dataset.weight = format(w);
      }
      const row = data.heads[h].rows[q];
      const top = row.map((w, k) => [w, k]).sort((a, b) => b[0] - a[0]).slice(0, TOP_KEYS);
      section.querySelector('.top-keys').textContent = `query ${q} ${tokens[q].label}: strongest keys `
        + top.map(([w, k]) => `${k} ${tokens[k].label} ${format(w)}`).join(' | ');
      const svg = section.querySelector('.matrix svg');
      const margin = Number(svg.dataset.margin);
      svg.querySelector('.row-mark').setAttribute('y', margin + q * cell);
      svg.querySelector('.row-mark').setAttribute('width', (q + 1) * cell);
      for (const label of svg.querySelectorAll('text.row-label')) {
        label.classList.toggle('query', Number(label.dataset.i) === q);
      }
    });
  }

  sections.forEach((section, h) => {
    drawMatrix(h, section.querySelector('.matrix'));
    const text = section.querySelector('.token-text');
    text.addEventListener('mouseover', (e) => {
      const span = e.target.closest('.tok');
      if (span) show(h, Number(picker.value), Number(span.dataset.i), e);
    });
    text.addEventListener('mousemove', (e) => place(e));
    text.addEventListener('mouseleave', hide);
    text.addEventListener('click', (e) => {
      const span = e.target.closest('.tok');
      if (span) select(Number(span.dataset.i));
    });
  });
  picker.addEventListener('change', () => select(Number(picker.value)));
  rowScale.addEventListener('change', recolour);
  select(Number(picker.value));
  window.__reportReady = true;
}());
