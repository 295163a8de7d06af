/* Thermocline report: draws every plot from the embedded JSON (#tc-data) with inline SVG / canvas.
   Each plot element gets data-rendered="true" and data-drawn=<marks drawn> once drawn; any error is
   written into #tc-errors (see the error hook in <head>). No network access of any kind. */
(function () {
  'use strict';
  var SVG_NS = 'http://www.w3.org/2000/svg';
  // Okabe-Ito: distinguishable with colour-vision deficiencies
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];
  // per tier (fastest first): light -> dark ramps; warm = fast tier, cool = slower tiers
  var RAMPS = [
    [[255, 241, 219], [127, 39, 4]],
    [[232, 242, 252], [8, 48, 107]],
    [[233, 247, 233], [0, 88, 36]],
    [[243, 236, 248], [63, 0, 125]]
  ];
  var UNMAPPED = '#d4d7dd';
  var data = JSON.parse(document.getElementById('tc-data').textContent);

  function num(v) { return (typeof v === 'number' && isFinite(v)) ? v : null; }

  function el(tag, attrs, parent, text) {
    var e = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) { e.setAttribute(k, attrs[k]); } }
    if (text !== undefined) { e.textContent = text; }
    if (parent) { parent.appendChild(e); }
    return e;
  }

  function svgRoot(container, w, h) {
    return el('svg', { viewBox: '0 0 ' + w + ' ' + h, width: w, height: h, role: 'img' }, container);
  }

  /* "nice" ticks for [lo, hi] */
  function ticks(lo, hi, count) {
    if (!(hi > lo)) { return [lo]; }
    var span = hi - lo, step = Math.pow(10, Math.floor(Math.log10(span / count)));
    var err = count / span * step;
    if (err <= 0.15) { step *= 10; } else if (err <= 0.35) { step *= 5; } else if (err <= 0.75) { step *= 2; }
    var out = [];
    for (var t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) { out.push(+t.toPrecision(12)); }
    return out;
  }

  function fmt(v) {
    if (v === null || v === undefined) { return 'n/a'; }
    var a = Math.abs(v);
    if (a >= 1e9) { return (v / 1e9).toFixed(2) + 'G'; }
    if (a >= 1e6) { return (v / 1e6).toFixed(2) + 'M'; }
    if (a >= 1e4) { return (v / 1e3).toFixed(1) + 'k'; }
    if (a >= 100 || v === Math.round(v)) { return String(Math.round(v)); }
    if (a >= 1) { return v.toFixed(2); }
    return v.toPrecision(2);
  }

  function axes(svg, m, w, h, xt, xs, yt, ys, xlabel, ylabel, yfmt) {
    yt.forEach(function (t) {
      var y = ys(t);
      el('line', { 'class': 'gridline', x1: m.l, x2: w - m.r, y1: y, y2: y }, svg);
      el('text', { x: m.l - 6, y: y + 4, 'text-anchor': 'end' }, svg, (yfmt || fmt)(t));
    });
    xt.forEach(function (t) {
      var x = xs(t);
      el('line', { 'class': 'axis', x1: x, x2: x, y1: h - m.b, y2: h - m.b + 4 }, svg);
      el('text', { x: x, y: h - m.b + 16, 'text-anchor': 'middle' }, svg, fmt(t));
    });
    el('line', { 'class': 'axis', x1: m.l, x2: w - m.r, y1: h - m.b, y2: h - m.b }, svg);
    el('line', { 'class': 'axis', x1: m.l, x2: m.l, y1: m.t, y2: h - m.b }, svg);
    el('text', { x: (m.l + w - m.r) / 2, y: h - 4, 'text-anchor': 'middle' }, svg, xlabel);
    el('text', { x: 12, y: (m.t + h - m.b) / 2, 'text-anchor': 'middle',
                 transform: 'rotate(-90 12 ' + ((m.t + h - m.b) / 2) + ')' }, svg, ylabel);
  }

  function legend(container, items) {
    var div = document.createElement('div');
    div.className = 'legend';
    items.forEach(function (it) {
      var s = document.createElement('span');
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = it.color;
      s.appendChild(sw);
      s.appendChild(document.createTextNode(it.label));
      div.appendChild(s);
    });
    container.appendChild(div);
  }

  /* 1. fast-tier ratio per policy over epochs */
  function drawRatio(container) {
    var W = 900, H = 330, m = { l: 52, r: 16, t: 12, b: 38 };
    var E = data.epochs, svg = svgRoot(container, W, H), drawn = 0;
    var xs = function (e) { return m.l + (E > 1 ? e / (E - 1) : 0.5) * (W - m.l - m.r); };
    var ys = function (v) { return H - m.b - v * (H - m.t - m.b); };
    axes(svg, m, W, H, ticks(0, Math.max(E - 1, 1), 10), xs, [0, 0.25, 0.5, 0.75, 1], ys,
         'epoch', 'fast-tier access ratio', function (t) { return Math.round(t * 100) + '%'; });
    var items = [];
    data.policies.forEach(function (p, i) {
      var color = PALETTE[i % PALETTE.length], d = '', pen = false;
      p.fastTierRatio.forEach(function (v, e) {
        v = num(v);
        if (v === null) { pen = false; return; }
        d += (pen ? 'L' : 'M') + xs(e).toFixed(1) + ' ' + ys(v).toFixed(1);
        pen = true;
      });
      if (d) {
        var path = el('path', { d: d, fill: 'none', stroke: color, 'stroke-width': 2,
                                'stroke-linejoin': 'round', 'data-policy': p.name }, svg);
        el('title', {}, path, p.name + ': mean ' + fmt(num(p.totals.fastAccessRatio)));
        drawn++;
        if (E <= 60) {
          p.fastTierRatio.forEach(function (v, e) {
            v = num(v);
            if (v !== null) { el('circle', { cx: xs(e), cy: ys(v), r: 2.5, fill: color }, svg); }
          });
        }
      }
      items.push({ color: color, label: p.name });
    });
    legend(container, items);
    // crosshair read-out
    var cross = el('line', { 'class': 'axis', y1: m.t, y2: H - m.b, visibility: 'hidden' }, svg);
    var readout = el('text', { x: W - m.r, y: m.t + 10, 'text-anchor': 'end', 'class': 'title' }, svg);
    svg.addEventListener('mousemove', function (ev) {
      var r = svg.getBoundingClientRect(), x = (ev.clientX - r.left) * W / r.width;
      var e = Math.round((x - m.l) / (W - m.l - m.r) * (E - 1));
      if (e < 0 || e >= E) { cross.setAttribute('visibility', 'hidden'); readout.textContent = ''; return; }
      cross.setAttribute('x1', xs(e)); cross.setAttribute('x2', xs(e)); cross.setAttribute('visibility', 'visible');
      readout.textContent = 'epoch ' + e + ': ' + data.policies.map(function (p) {
        var v = num(p.fastTierRatio[e]);
        return p.name + ' ' + (v === null ? 'n/a' : (v * 100).toFixed(1) + '%');
      }).join('  ');
    });
    svg.addEventListener('mouseleave', function () {
      cross.setAttribute('visibility', 'hidden'); readout.textContent = '';
    });
    return drawn;
  }

  function rampColor(tier, f) {
    if (tier < 0) { return UNMAPPED; }
    var r = RAMPS[tier % RAMPS.length], c = [0, 1, 2].map(function (k) {
      return Math.round(r[0][k] + (r[1][k] - r[0][k]) * f);
    });
    return 'rgb(' + c.join(',') + ')';
  }

  /* 2. heatmap: rows = pages, columns = epochs; colour intensity = log hotness, colour family = tier */
  function drawHeatmap(container, hm) {
    var rows = hm.pageLabels.length, E = hm.hotness[0].length;
    var labelW = 150, cellW = Math.max(2, Math.min(24, Math.floor(740 / E)));
    var cellH = Math.max(3, Math.min(16, Math.floor(500 / rows)));
    var axisH = 22, w = labelW + cellW * E, h = cellH * rows + axisH;
    var max = 0;
    hm.hotness.forEach(function (row) { row.forEach(function (v) { if (v > max) { max = v; } }); });
    var lmax = Math.log1p(max) || 1;
    var wrap = document.createElement('div');
    wrap.className = 'canvaswrap';
    var canvas = document.createElement('canvas');
    var dpr = window.devicePixelRatio || 1;
    canvas.width = w * dpr; canvas.height = h * dpr;
    canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
    wrap.appendChild(canvas);
    var tip = document.createElement('div');
    tip.className = 'tip';
    wrap.appendChild(tip);
    container.appendChild(wrap);
    var g = canvas.getContext('2d');
    g.scale(dpr, dpr);
    var drawn = 0;
    for (var r = 0; r < rows; r++) {
      for (var e = 0; e < E; e++) {
        var v = hm.hotness[r][e], t = hm.tier[r][e];
        g.fillStyle = rampColor(t, v > 0 ? Math.log1p(v) / lmax : 0);
        g.fillRect(labelW + e * cellW, r * cellH, cellW, cellH);
        drawn++;
      }
    }
    g.fillStyle = '#5b6475';
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    if (cellH >= 9) {
      hm.pageLabels.forEach(function (lab, i) {
        g.fillText(lab.length > 22 ? lab.slice(0, 21) + '\u2026' : lab, 4, i * cellH + cellH / 2);
      });
    } else {
      g.fillText(rows + ' pages, hottest on top', 4, 8);
    }
    g.textBaseline = 'top';
    ticks(0, Math.max(E - 1, 1), 10).forEach(function (tk) {
      var x = labelW + tk * cellW + cellW / 2;
      g.fillRect(x, rows * cellH, 1, 4);
      g.fillText(String(tk), x - 6, rows * cellH + 6);
    });
    canvas.addEventListener('mousemove', function (ev) {
      var rect = canvas.getBoundingClientRect();
      var x = ev.clientX - rect.left, y = ev.clientY - rect.top;
      var e = Math.floor((x - labelW) / cellW), r = Math.floor(y / cellH);
      if (e < 0 || e >= E || r < 0 || r >= rows) { tip.style.display = 'none'; return; }
      var t = hm.tier[r][e];
      tip.textContent = hm.pageLabels[r] + ' \u00b7 epoch ' + e + ' \u00b7 hotness ' + fmt(hm.hotness[r][e])
        + ' \u00b7 ' + (t < 0 ? 'not mapped' : hm.tierNames[t]);
      tip.style.left = (x + 12) + 'px'; tip.style.top = (y + 12) + 'px'; tip.style.display = 'block';
    });
    canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
    // legend: one ramp per tier
    var lg = document.createElement('div');
    lg.className = 'legend';
    hm.tierNames.forEach(function (name, i) {
      var s = document.createElement('span');
      s.appendChild(document.createTextNode(name + ': cold'));
      var ramp = document.createElement('span');
      ramp.className = 'ramp';
      ramp.style.background = 'linear-gradient(to right,' + rampColor(i, 0) + ',' + rampColor(i, 1) + ')';
      s.appendChild(ramp);
      s.appendChild(document.createTextNode('hot'));
      lg.appendChild(s);
    });
    var un = document.createElement('span');
    var sw = document.createElement('span');
    sw.className = 'swatch';
    sw.style.background = UNMAPPED;
    un.appendChild(sw);
    un.appendChild(document.createTextNode('not mapped; colour scale log(1 + hotness), max ' + fmt(max)));
    lg.appendChild(un);
    container.appendChild(lg);
    return drawn;
  }

  /* 3. migrations per epoch: promoted up, demoted down, for the policy chosen in the select */
  function drawMigrations(container) {
    var select = document.getElementById('tc-migrations-policy');
    var holder = document.createElement('div');
    container.appendChild(holder);
    function draw(idx) {
      holder.textContent = '';
      var p = data.policies[idx], E = data.epochs;
      var W = 600, H = 280, m = { l: 52, r: 16, t: 12, b: 38 };
      var svg = svgRoot(holder, W, H), drawn = 0;
      var maxUp = Math.max.apply(null, p.promoted.concat([1]));
      var maxDown = Math.max.apply(null, p.demoted.concat([1]));
      // zero line split in proportion to the largest promotion and demotion
      var mid = m.t + (H - m.t - m.b) * (maxUp / (maxUp + maxDown));
      var scale = Math.min((mid - m.t) / maxUp, (H - m.b - mid) / maxDown);
      var ys = function (v) { return mid - v * scale; };
      var bw = (W - m.l - m.r) / E;
      var xs = function (e) { return m.l + (e + 0.5) * bw; };
      var yt = ticks(-maxDown, maxUp, 8);
      axes(svg, m, W, H, ticks(0, Math.max(E - 1, 1), 10), xs, yt, ys, 'epoch', 'pages per epoch',
           function (t) { return fmt(Math.abs(t)); });
      el('line', { 'class': 'axis', x1: m.l, x2: W - m.r, y1: mid, y2: mid }, svg);
      var gap = bw > 4 ? 1 : 0;
      for (var e = 0; e < E; e++) {
        if (p.promoted[e] > 0) {
          var r1 = el('rect', { x: m.l + e * bw + gap / 2, y: ys(p.promoted[e]), width: Math.max(bw - gap, 0.6),
                                height: mid - ys(p.promoted[e]), fill: '#D55E00' }, svg);
          el('title', {}, r1, 'epoch ' + e + ': ' + p.promoted[e] + ' promoted');
          drawn++;
        }
        if (p.demoted[e] > 0) {
          var r2 = el('rect', { x: m.l + e * bw + gap / 2, y: mid, width: Math.max(bw - gap, 0.6),
                                height: ys(-p.demoted[e]) - mid, fill: '#0072B2' }, svg);
          el('title', {}, r2, 'epoch ' + e + ': ' + p.demoted[e] + ' demoted');
          drawn++;
        }
      }
      if (drawn === 0) {
        el('text', { x: W / 2, y: mid - 8, 'text-anchor': 'middle', 'class': 'title' }, svg,
           p.name + ' moved no page');
      }
      legend(holder, [{ color: '#D55E00', label: 'promoted (to a faster tier)' },
                      { color: '#0072B2', label: 'demoted (to a slower tier)' }]);
      container.setAttribute('data-policy', p.name);
      return drawn;
    }
    data.policies.forEach(function (p, i) {
      var o = document.createElement('option');
      o.value = String(i);
      o.textContent = p.name;
      select.appendChild(o);
    });
    var first = 0;
    data.policies.some(function (p, i) {
      if (p.totals.promotedPages + p.totals.demotedPages > 0) { first = i; return true; }
      return false;
    });
    select.value = String(first);
    select.addEventListener('change', function () {
      container.setAttribute('data-drawn', draw(+select.value));
    });
    return draw(first);
  }

  /* 4. latency histogram with p50/p99 markers */
  function drawLatency(container) {
    var L = data.latency, n = L.counts.length;
    var W = 600, H = 280, m = { l: 60, r: 16, t: 18, b: 38 };
    var svg = svgRoot(container, W, H), drawn = 0;
    var maxC = Math.max.apply(null, L.counts.concat([1]));
    var logX = L.edges[0] > 0 && L.edges[n] / L.edges[0] > 10;
    var fx = logX ? function (v) { return Math.log10(v); } : function (v) { return v; };
    var x0 = fx(L.edges[0]), x1 = fx(L.edges[n]);
    var xs = function (v) { return m.l + (fx(Math.max(v, L.edges[0])) - x0) / (x1 - x0) * (W - m.l - m.r); };
    var ys = function (c) { return H - m.b - c / maxC * (H - m.t - m.b); };
    var xt;
    if (logX) {
      xt = [];
      for (var d = Math.ceil(x0); d <= Math.floor(x1); d++) { xt.push(Math.pow(10, d)); }
      if (xt.length < 2) { xt = [L.edges[0], L.edges[n]]; }
    } else {
      xt = ticks(L.edges[0], L.edges[n], 8);
    }
    axes(svg, m, W, H, xt, xs, ticks(0, maxC, 6), ys, 'latency (' + L.unit + ')' + (logX ? ', log scale' : ''),
         'samples');
    for (var i = 0; i < n; i++) {
      if (L.counts[i] <= 0) { continue; }
      var xa = xs(L.edges[i]), xb = xs(L.edges[i + 1]);
      var rect = el('rect', { x: xa + 0.5, y: ys(L.counts[i]), width: Math.max(xb - xa - 1, 0.8),
                              height: H - m.b - ys(L.counts[i]), fill: '#009E73' }, svg);
      el('title', {}, rect, fmt(L.edges[i]) + '\u2013' + fmt(L.edges[i + 1]) + ' ' + L.unit + ': ' + L.counts[i]);
      drawn++;
    }
    [['p50', L.p50, '#0072B2'], ['p99', L.p99, '#D55E00']].forEach(function (q, k) {
      var v = num(q[1]);
      if (v === null) { return; }
      var x = xs(v);
      el('line', { x1: x, x2: x, y1: m.t, y2: H - m.b, stroke: q[2], 'stroke-width': 1.5,
                   'stroke-dasharray': '4 3' }, svg);
      el('text', { x: x + 4, y: m.t + 2 + 12 * k, 'class': 'title', fill: q[2] }, svg,
         q[0] + ' ' + fmt(v) + ' ' + L.unit);
    });
    return drawn;
  }

  function plot(id, fn) {
    var container = document.getElementById(id);
    if (!container) { return; }
    try {
      var n = fn(container);
      container.setAttribute('data-drawn', String(n));
      container.setAttribute('data-rendered', 'true');
    } catch (err) {
      container.setAttribute('data-rendered', 'false');
      window.tcReportError(id + ': ' + (err && err.stack ? err.stack : err));
    }
  }

  plot('plot-ratio', drawRatio);
  (data.heatmaps || []).forEach(function (hm, i) {
    plot('plot-heatmap-' + i, function (c) { return drawHeatmap(c, hm); });
  });
  plot('plot-migrations', drawMigrations);
  if (data.latency) { plot('plot-latency', drawLatency); }
  document.body.setAttribute('data-rendered', 'true');
})();
