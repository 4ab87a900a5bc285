/* Draws the report's charts with Chart.js from the document embedded in
 * #manyi-data. Each canvas gets data-drawn="yes" once Chart.js rendered it,
 * and <body> data-charts-drawn the count, for the headless-browser test. */
(function () {
  'use strict';
  var doc = JSON.parse(document.getElementById('manyi-data').textContent);
  var labelsEl = document.getElementById('manyi-labels');
  var labels = labelsEl ? JSON.parse(labelsEl.textContent) : {};
  var colours = ['#2a6fb0', '#e07b24', '#3a9a4a', '#c0392b', '#8e5bb5', '#7f8c8d'];
  var drawn = 0;
  Chart.register({
    id: 'manyiDrawn',
    afterRender: function (chart) {
      var c = chart.canvas;
      if (c.getAttribute('data-drawn') !== 'yes') {
        c.setAttribute('data-drawn', 'yes');
        drawn += 1;
        document.body.setAttribute('data-charts-drawn', String(drawn));
      }
    }
  });
  Chart.defaults.animation = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.responsive = false;
  function value(f) { return f && typeof f.value === 'number' ? f.value : null; }
  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    try {
      new Chart(canvas, config);
    } catch (err) {
      canvas.setAttribute('data-error', String(err));
    }
  }
  var trend = doc.trend || [];
  make('chart-trend', {
    type: 'line',
    data: {
      labels: trend.map(function (p) { return p.label; }),
      datasets: ['csat', 'nps', 'index'].map(function (k, i) {
        return { label: { csat: 'CSAT %', nps: 'NPS', index: 'Index' }[k],
                 data: trend.map(function (p) { return value(p[k]); }),
                 borderColor: colours[i], backgroundColor: colours[i], spanGaps: true };
      })
    },
    options: { plugins: { title: { display: true, text: 'Trend' } } }
  });
  // the seasonal figure by position in the year; empty (and titled so)
  // when the report says why it was not computed
  var season = doc.seasonality || {};
  var first = ['csat', 'nps', 'index'].map(function (k) { return season[k] || {}; })
    .filter(function (f) { return f.seasonal; })[0];
  make('chart-seasonal', {
    type: 'bar',
    data: {
      labels: first ? first.seasonal.map(function (s) { return s.label; }) : [],
      datasets: ['csat', 'nps', 'index'].map(function (k, i) {
        var f = season[k] || {};
        return { label: { csat: 'CSAT %', nps: 'NPS', index: 'Index' }[k],
                 data: (f.seasonal || []).map(function (s) { return s.value; }),
                 backgroundColor: colours[i] };
      })
    },
    options: { plugins: { title: { display: true,
      text: season.available ? 'Seasonal figure (above or below the trend)' : 'Seasonality not computed' } } }
  });
  var dims = doc.dimensions || [];
  make('chart-dimensions', {
    type: 'bar',
    data: {
      labels: dims.map(function (d) { return d.dimension; }),
      datasets: [{ label: 'this period', data: dims.map(function (d) { return d.score; }),
                   backgroundColor: colours[0] },
                 { label: 'previous period', data: dims.map(function (d) { return d.previous; }),
                   backgroundColor: colours[5] }]
    },
    options: { scales: { y: { min: 0, max: 100 } },
               plugins: { title: { display: true, text: 'Dimension scores (0-100)' } } }
  });
  var items = (doc.drivers && doc.drivers.items) || [];
  make('chart-drivers', {
    type: 'bar',
    data: {
      labels: items.map(function (d) { return d.question + ' (' + d.dimension + ')'; }),
      datasets: [{ label: 'share of R\u00b2 %', data: items.map(function (d) { return 100 * d.share; }),
                   backgroundColor: colours[1] }]
    },
    options: { indexAxis: 'y', plugins: { title: { display: true, text: 'Key drivers (relative weights)' } } }
  });
  var quadrants = ['keep_up_the_good_work', 'concentrate_here', 'low_priority', 'possible_overkill'];
  var split = doc.drivers || {};
  var perf = items.map(function (d) { return d.performance; });
  var imp = items.map(function (d) { return d.importance; });
  var lo = Math.min.apply(null, perf.concat([split.split_performance])) - 0.1;
  var hi = Math.max.apply(null, perf.concat([split.split_performance])) + 0.1;
  var top = Math.max.apply(null, imp.concat([split.split_importance])) * 1.1;
  make('chart-quadrant', {
    type: 'scatter',
    data: {
      datasets: quadrants.map(function (q, i) {
        return { label: labels[q] || q, backgroundColor: colours[i], pointRadius: 6,
                 data: items.filter(function (d) { return d.quadrant === q; })
                            .map(function (d) { return { x: d.performance, y: d.importance, name: d.question }; }) };
      }).concat([
        { label: 'mean importance', showLine: true, pointRadius: 0, borderColor: colours[5], borderDash: [4, 4],
          data: [{ x: lo, y: split.split_importance }, { x: hi, y: split.split_importance }] },
        { label: 'mean performance', showLine: true, pointRadius: 0, borderColor: colours[5], borderDash: [4, 4],
          data: [{ x: split.split_performance, y: 0 }, { x: split.split_performance, y: top }] }])
    },
    options: {
      scales: { x: { title: { display: true, text: 'performance (mean answer)' } },
                y: { min: 0, title: { display: true, text: 'importance (Shapley share)' } } },
      plugins: { title: { display: true, text: 'Importance-performance' },
                 tooltip: { callbacks: { label: function (c) { return (c.raw.name || c.dataset.label) + ': ' + c.raw.x.toFixed(2) + ', ' + c.raw.y.toFixed(3); } } } }
    }
  });
  function pareto(id, p, title) {
    var cats = (p && p.categories) || [];
    make(id, {
      data: {
        labels: cats.map(function (c) { return c.category; }),
        datasets: [{ type: 'line', label: 'cumulative %', yAxisID: 'y1', borderColor: colours[3],
                     backgroundColor: colours[3], data: cats.map(function (c) { return 100 * c.cumulative; }) },
                   { type: 'bar', label: 'count', yAxisID: 'y', backgroundColor: colours[0],
                     data: cats.map(function (c) { return c.count; }) }]
      },
      options: { scales: { y: { beginAtZero: true, position: 'left' },
                           y1: { min: 0, max: 100, position: 'right', grid: { drawOnChartArea: false } } },
                 plugins: { title: { display: true, text: title } } }
    });
  }
  var cat = doc.categories || {};
  pareto('chart-pareto', cat.answers, 'Open answers (Pareto)');
  pareto('chart-pareto-complaints', cat.complaints, 'Complaints (Pareto)');
}());
