// report.js draws the big tables of report.html a page at a time from the
// JSON embedded once in the page. Every text goes in through textContent:
// the data is the users' own (review details quote their e-mails and names).
(function () {
  'use strict';
  var started = performance.now();
  var D = JSON.parse(document.getElementById('data').textContent);
  var PAGE = 50;
  var nf = new Intl.NumberFormat('en-US');
  var collator = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmt(v) { return typeof v === 'number' ? nf.format(v) : v; }
  // A table's strings are written once and named by their index; a text
  // with numbers is [template, numbers...], each U+0000 of the template
  // standing for the next number.
  function resolver(t) {
    return function (v) {
      if (typeof v === 'number') return t.strings[v];
      if (typeof v === 'string') return v;
      var k = 1;
      return t.strings[v[0]].replace(/\u0000/g, function () { return v[k++]; });
    };
  }

  // Table draws rows[view[i]] a page at a time. cols: {title, num (right-aligned,
  // sorted as numbers), id (a number shown as it is: a line, a user id), cls, get(row)}.
  function Table(host, cols, rows, opts) {
    opts = opts || {};
    var view = null, page = 0, sortCol = -1, sortDir = 1;
    var table = el('table', 'data'), thead = el('thead'), tbody = el('tbody'), pager = el('div', 'pager');
    var hr = el('tr');
    cols.forEach(function (c, i) {
      var th = el('th', c.num ? 'n' : '', c.title);
      if (opts.sortable) {
        th.tabIndex = 0;
        th.className += ' sortable';
        th.title = 'Sort by ' + c.title;
        var go = function () { sortBy(i); };
        th.addEventListener('click', go);
        th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
      }
      hr.appendChild(th);
    });
    thead.appendChild(hr);
    table.appendChild(thead);
    table.appendChild(tbody);
    var wrap = el('div', 'scroll');
    wrap.appendChild(table);
    host.appendChild(wrap);
    host.appendChild(pager);

    function all() { var v = new Uint32Array(rows.length); for (var i = 0; i < v.length; i++) v[i] = i; return v; }
    function sortBy(i) {
      sortDir = sortCol === i ? -sortDir : (cols[i].num ? -1 : 1);
      sortCol = i;
      applySort();
      page = 0;
      draw();
    }
    // applySort sorts the view by the chosen column: the column's values are
    // taken once, numbers before texts (empty cells); texts compare as people read them
    // (Intl.Collator), or by code point in a view too big for that to be quick.
    function applySort() {
      if (sortCol < 0) return;
      var c = cols[sortCol], dir = sortDir, n = view.length;
      var keys = new Array(n), order = new Array(n);
      for (var i = 0; i < n; i++) {
        var v = c.get(rows[view[i]]);
        keys[i] = typeof v === 'number' ? v : String(v);
        order[i] = i;
      }
      var cmp = n <= 50000 ? collator.compare : function (x, y) { return x < y ? -1 : x > y ? 1 : 0; };
      order.sort(function (a, b) {
        var x = keys[a], y = keys[b], nx = typeof x === 'number', ny = typeof y === 'number';
        if (nx !== ny) return nx ? -1 : 1; // an empty cell of a number column last, either way
        return (nx ? x - y : cmp(x, y)) * dir || a - b;
      });
      var sorted = new Uint32Array(n);
      for (var j = 0; j < n; j++) sorted[j] = view[order[j]];
      view = sorted;
    }
    function button(label, to, disabled, aria) {
      var b = el('button', '', label);
      b.type = 'button';
      b.disabled = disabled;
      if (aria) b.setAttribute('aria-label', aria);
      b.addEventListener('click', function () { page = to; draw(); });
      return b;
    }
    function draw() {
      var pages = Math.max(1, Math.ceil(view.length / PAGE));
      if (page >= pages) page = pages - 1;
      var from = page * PAGE, to = Math.min(view.length, from + PAGE);
      var body = el('tbody');
      if (view.length === 0) {
        var tr = el('tr'), td = el('td', 'empty', rows.length ? 'No row matches.' : 'None.');
        td.colSpan = cols.length;
        tr.appendChild(td);
        body.appendChild(tr);
      }
      for (var i = from; i < to; i++) {
        var r = rows[view[i]], tr2 = el('tr');
        for (var k = 0; k < cols.length; k++) {
          var c = cols[k], v = c.get(r);
          var td2 = el('td', (c.num ? 'n ' : '') + (c.cls || ''), v === '' || c.id ? v : fmt(v));
          if (c.badge) td2.firstChild && td2.replaceChildren(el('span', 'badge', v));
          tr2.appendChild(td2);
        }
        body.appendChild(tr2);
      }
      table.replaceChild(body, tbody);
      tbody = body;
      pager.replaceChildren(
        button('« First', 0, page === 0, 'First page'),
        button('‹ Prev', page - 1, page === 0, 'Previous page'),
        el('span', 'where', view.length ? 'Rows ' + nf.format(from + 1) + '–' + nf.format(to) + ' of ' + nf.format(view.length) + ' · page ' + nf.format(page + 1) + ' of ' + nf.format(pages) : '0 rows'),
        button('Next ›', page + 1, page >= pages - 1, 'Next page'),
        button('Last »', pages - 1, page >= pages - 1, 'Last page'));
      Array.prototype.forEach.call(thead.rows[0].cells, function (th, i) {
        th.setAttribute('aria-sort', i === sortCol ? (sortDir > 0 ? 'ascending' : 'descending') : 'none');
      });
    }
    this.sortBy = sortBy;
    // filter keeps the rows for which keep(row) is true (null: all).
    this.filter = function (keep) {
      if (!keep) view = all();
      else {
        var v = [];
        for (var i = 0; i < rows.length; i++) if (keep(rows[i])) v.push(i);
        view = Uint32Array.from(v);
      }
      applySort();
      page = 0;
      draw();
    };
    this.filter(null);
  }

  // search returns a test of a row against the words typed, or null.
  function search(input, text, onChange) {
    var timer = 0;
    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(onChange, 150);
    });
    return function () {
      var q = input.value.trim().toLowerCase();
      if (!q) return null;
      return function (r) { return text(r).toLowerCase().indexOf(q) >= 0; };
    };
  }
  function both(a, b) { return a && b ? function (r) { return a(r) && b(r); } : a || b; }

  // Groups
  var groups = new Table(document.getElementById('groups-table'), [
    {title: 'Group title', get: function (r) { return r[0]; }, cls: 'title'},
    {title: 'OG id', get: function (r) { return r[1]; }, cls: 'id'},
    {title: 'Members', num: true, get: function (r) { return r[2]; }},
    {title: 'Pending', num: true, get: function (r) { return r[3]; }},
    {title: 'Admins', num: true, get: function (r) { return r[4]; }},
    {title: 'To add to the OG', num: true, get: function (r) { return r[5]; }}
  ], D.groups, {sortable: true});
  var gq = search(document.getElementById('groups-q'), function (r) { return r[0] + ' ' + r[1]; }, function () { groups.filter(gq()); });

  // Review items
  var R = D.review, rs = resolver(R);
  var reviewCols = [
    {title: 'Kind', get: function (r) { return rs(r[0]); }, badge: true},
    {title: 'File', get: function (r) { return rs(r[1]); }, cls: 'file'},
    {title: 'Line', num: true, id: true, get: function (r) { return r[2]; }},
    {title: 'User ID', num: true, id: true, get: function (r) { return r[3]; }},
    {title: 'Contact ID', num: true, id: true, get: function (r) { return r[4]; }},
    {title: 'Detail', get: function (r) { return rs(r[5]); }, cls: 'detail'}
  ];
  var review = new Table(document.getElementById('review-table'), reviewCols, R.rows, {sortable: true});
  var kindSel = document.getElementById('review-kind');
  var kinds = {};
  R.rows.forEach(function (r) { var k = rs(r[0]); kinds[k] = (kinds[k] || 0) + 1; });
  var allOpt = el('option', '', 'All kinds (' + nf.format(R.rows.length) + ')');
  allOpt.value = '';
  kindSel.appendChild(allOpt);
  Object.keys(kinds).sort().forEach(function (k) {
    var o = el('option', '', k + ' (' + nf.format(kinds[k]) + ')');
    o.value = k;
    kindSel.appendChild(o);
  });
  var rq = search(document.getElementById('review-q'), function (r) {
    return rs(r[1]) + ':' + r[2] + ' ' + r[3] + ' ' + r[4] + ' ' + rs(r[5]);
  }, applyReview);
  function applyReview() {
    var k = kindSel.value;
    review.filter(both(k ? function (r) { return rs(r[0]) === k; } : null, rq()));
  }
  kindSel.addEventListener('change', applyReview);
  // A kind in the chart filters the table to it.
  document.querySelectorAll('#review-chart g[data-kind]').forEach(function (g) {
    g.addEventListener('click', function () {
      kindSel.value = g.getAttribute('data-kind');
      applyReview();
      document.getElementById('review').scrollIntoView();
    });
  });

  // Likely duplicates
  if (D.duplicates) {
    var P = D.duplicates, ps = resolver(P);
    var dups = new Table(document.getElementById('dups-table'), [
      {title: 'User ID', num: true, id: true, get: function (r) { return r[0]; }},
      {title: 'Contact ID', num: true, id: true, get: function (r) { return r[1]; }},
      {title: 'Score', num: true, get: function (r) { return r[2]; }},
      {title: 'Why', get: function (r) { return ps(r[3]); }, cls: 'detail'}
    ], P.rows, {sortable: true});
    var dq = search(document.getElementById('dups-q'), function (r) { return r[0] + ' ' + r[1] + ' ' + ps(r[3]); }, function () { dups.filter(dq()); });
  }
  document.body.setAttribute('data-ready', 'true');
  // how long the page took to parse its data and draw (for the tests)
  document.body.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
})();
