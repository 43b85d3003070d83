// legacyscan report: the findings table, the device detail, the segment map and the
// language switch.  Everything it shows comes from the JSON block #report-data and is
// put in the page with textContent or as SVG attributes: never as markup, so a banner
// that holds HTML stays text.  No network, no storage, no eval.
(function () {
  "use strict";

  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var lang = DATA.lang;
  var SVGNS = "http://www.w3.org/2000/svg";
  // Print mode (the PDF): every finding on paper, nothing to click.
  var PRINT = document.documentElement.hasAttribute("data-print");
  var PAGE_SIZE = PRINT ? 5000 : 50;
  var DRILL_MAX = 600;
  var OVERVIEW_MAX = 400;
  var LIST_MAX = 50;

  // --- words and formats (the same rules as legacyscan/report/i18n.py) -------------------

  function msg(key, values) {
    var text = DATA.i18n[lang][key];
    if (text === undefined) { text = key; }
    if (values) {
      text = text.replace(/\{(\w+)\}/g, function (all, name) {
        return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
      });
    }
    return text;
  }

  function term(group, value) {
    if (value === undefined || value === null) { return ""; }
    var text = DATA.i18n[lang]["term." + group + "." + value];
    return text === undefined ? String(value) : text;
  }

  function num(value, decimals) {
    decimals = decimals || 0;
    var negative = Math.round(value * Math.pow(10, decimals)) < 0;
    var parts = Math.abs(value).toFixed(decimals).split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, lang === "fr" ? "\u202f" : ",");
    var text = parts.length > 1 ? whole + (lang === "fr" ? "," : ".") + parts[1] : whole;
    return (negative ? "-" : "") + text;
  }

  function date(iso, short) {
    if (!iso) { return ""; }
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    if (!m) { return iso; }
    if (short) { return lang === "fr" ? m[3] + "/" + m[2] + "/" + m[1] : m[0]; }
    var day = Number(m[3]);
    var months = msg("date.months").split(" ");
    return (day === 1 ? msg("date.first_day") : String(day)) + " " +
      months[Number(m[2]) - 1] + " " + m[1];
  }

  function colon() { return lang === "fr" ? "\u00a0: " : ": "; }

  // --- DOM helpers: text only ----------------------------------------------------------------

  // A model's sentence ({fr: ..., en: ...}) in the page's language; a sentence that only
  // exists in English (a record made without a message) is marked as such.
  function words(node, texts) {
    texts = texts || {};
    if (texts[lang] !== undefined) {
      node.textContent = texts[lang];
    } else {
      node.textContent = texts.en || "";
      node.lang = "en";
    }
    return node;
  }

  function el(tag, className, children) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) { return node; }
    if (!Array.isArray(children)) { children = [children]; }
    children.forEach(function (child) {
      if (child === null || child === undefined || child === "") { return; }
      node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function clear(node) {
    while (node.firstChild) { node.removeChild(node.firstChild); }
    return node;
  }

  function badge(kind, value, label) {
    return el("span", kind + " " + value, label);
  }

  function safeUrl(url) {
    return typeof url === "string" && url.indexOf("https://") === 0 ? url : null;
  }

  // --- indexes -------------------------------------------------------------------------------

  var devices = DATA.d;
  var segs = DATA.segs;
  // Reach comes grouped: [legacy, set, evidence] triples, a set being the clinical devices
  // that legacy device reaches for that reason.  Expanded only for the device looked at.
  var reachGroups = new Map();
  var setMembers = DATA.sets.map(function (members) { return new Set(members); });
  for (var k = 0; k < DATA.reach.length; k += 3) {
    var from = DATA.reach[k];
    if (!reachGroups.has(from)) { reachGroups.set(from, []); }
    reachGroups.get(from).push([DATA.reach[k + 1], DATA.reach[k + 2]]);
  }
  function reachOut(i) {
    var pairs = [];
    (reachGroups.get(i) || []).forEach(function (group) {
      DATA.sets[group[0]].forEach(function (target) { pairs.push([target, group[1]]); });
    });
    return pairs;
  }
  function reachIn(i) {
    var pairs = [];
    for (var k = 0; k < DATA.reach.length; k += 3) {
      if (setMembers[DATA.reach[k + 1]].has(i)) { pairs.push([DATA.reach[k], DATA.reach[k + 2]]); }
    }
    return pairs;
  }
  var haystack = devices.map(function (d) {
    var words = [d.a, d.m, d.t, d.t ? term("type", d.t) : "", d.g >= 0 ? segs[d.g].n : ""];
    (d.id || []).forEach(function (i) {
      var o = DATA.objs[i];
      words.push(o.v, o.p, o.ver, o.cpe);
    });
    (d.kev || []).forEach(function (cve) { words.push(cve); });
    return words.filter(Boolean).join(" ").toLowerCase();
  });
  function segName(d) { return d.g >= 0 ? segs[d.g].n : ""; }

  // --- findings table ------------------------------------------------------------------------

  var state = {
    q: "", cls: "", st: "", lv: "", seg: "", legacy: false, clinical: false, kev: false,
    sort: "r", dir: -1, page: 0
  };
  var filtered = null;

  var COLUMNS = [
    { key: "r", label: "js.col_score", value: function (d) { return d.r || 0; } },
    { key: "a", label: "js.col_address", value: function (d) { return addressKey(d.a); } },
    { key: "c", label: "js.col_class", value: function (d) { return term("class", d.c); } },
    { key: "m", label: "js.col_identity", value: function (d) { return d.m || ""; } },
    { key: "s", label: "js.col_status", value: function (d) { return statusRank(d.s); } },
    { key: "eol", label: "js.col_eol", value: function (d) { return d.eol || "9999"; } },
    { key: "g", label: "js.col_segment", value: function (d) { return addressKey(segName(d)); } }
  ];

  function statusRank(s) { return ["eol", "extended", "unknown", "supported"].indexOf(s); }

  function addressKey(text) {
    // Sort 127.42.10.2 before 127.42.10.11: pad each number.
    return String(text || "").replace(/\d+/g, function (n) { return ("0000000000" + n).slice(-10); });
  }

  function applyFilters() {
    var q = state.q.trim().toLowerCase();
    var result = [];
    for (var i = 0; i < devices.length; i++) {
      var d = devices[i];
      if (state.cls && d.c !== state.cls) { continue; }
      if (state.st && d.s !== state.st) { continue; }
      if (state.lv && d.lv !== state.lv) { continue; }
      if (state.seg !== "" && String(d.g) !== state.seg) { continue; }
      if (state.legacy && !d.lg) { continue; }
      if (state.clinical && !d.cl) { continue; }
      if (state.kev && !(d.kev && d.kev.length)) { continue; }
      if (q && haystack[i].indexOf(q) === -1) { continue; }
      result.push(i);
    }
    var column = COLUMNS.filter(function (c) { return c.key === state.sort; })[0];
    var keys = result.map(function (i) { return column.value(devices[i]); });
    var order = result.map(function (_, n) { return n; });
    order.sort(function (x, y) {
      var a = keys[x], b = keys[y];
      if (a < b) { return -state.dir; }
      if (a > b) { return state.dir; }
      return result[x] - result[y];
    });
    filtered = order.map(function (n) { return result[n]; });
  }

  function select(id, allKey, options, value) {
    var node = el("select", null);
    node.id = id;
    node.appendChild(option("", msg(allKey), value));
    options.forEach(function (o) { node.appendChild(option(o[0], o[1], value)); });
    return node;
  }

  function option(value, label, current) {
    var node = el("option", null, label);
    node.value = value;
    if (value === current) { node.selected = true; }
    return node;
  }

  function checkbox(id, labelKey, checked) {
    var box = el("input", null);
    box.type = "checkbox";
    box.id = id;
    box.checked = checked;
    var label = el("label", "check", [box, " " + msg(labelKey)]);
    return label;
  }

  function distinct(field) {
    var seen = [];
    devices.forEach(function (d) { if (d[field] && seen.indexOf(d[field]) === -1) { seen.push(d[field]); } });
    return seen;
  }

  var app = document.getElementById("findings-app");

  function renderFindings() {
    clear(app);
    var search = el("input", "search");
    search.type = "search";
    search.id = "f-search";
    search.placeholder = msg("js.search");
    search.value = state.q;
    var classes = distinct("c").map(function (c) { return [c, term("class", c)]; });
    var statuses = ["eol", "extended", "unknown", "supported"].map(function (s) { return [s, term("status", s)]; });
    var levels = ["critical", "high", "medium", "low"].map(function (l) { return [l, term("level", l)]; });
    var segOptions = segs.map(function (s, i) { return [String(i), s.n]; });
    var reset = el("button", "reset", msg("js.reset"));
    reset.type = "button";
    reset.id = "f-reset";
    var bar = el("div", "filters", [
      search,
      select("f-class", "js.all_classes", classes, state.cls),
      select("f-status", "js.all_statuses", statuses, state.st),
      select("f-level", "js.all_levels", levels, state.lv),
      select("f-segment", "js.all_segments", segOptions, state.seg),
      checkbox("f-legacy", "js.only_legacy", state.legacy),
      checkbox("f-clinical", "js.only_clinical", state.clinical),
      checkbox("f-kev", "js.only_kev", state.kev),
      reset
    ]);
    app.appendChild(bar);
    var count = el("p", "count");
    count.id = "f-count";
    app.appendChild(count);
    var table = el("table", "findings");
    table.id = "findings-table";
    var head = el("tr");
    COLUMNS.forEach(function (c) {
      var th = el("th", "sortable" + (state.sort === c.key ? (state.dir > 0 ? " asc" : " desc") : ""), msg(c.label));
      th.setAttribute("data-sort", c.key);
      th.tabIndex = 0;
      head.appendChild(th);
    });
    table.appendChild(el("thead", null, head));
    var body = el("tbody");
    table.appendChild(body);
    app.appendChild(el("div", "scroll", table));
    var pager = el("div", "pager");
    pager.id = "f-pager";
    app.appendChild(pager);

    var timer = null;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = search.value; state.page = 0; refresh(); }, 120);
    });
    [["f-class", "cls"], ["f-status", "st"], ["f-level", "lv"], ["f-segment", "seg"]].forEach(function (pair) {
      document.getElementById(pair[0]).addEventListener("change", function (e) {
        state[pair[1]] = e.target.value; state.page = 0; refresh();
      });
    });
    [["f-legacy", "legacy"], ["f-clinical", "clinical"], ["f-kev", "kev"]].forEach(function (pair) {
      document.getElementById(pair[0]).addEventListener("change", function (e) {
        state[pair[1]] = e.target.checked; state.page = 0; refresh();
      });
    });
    reset.addEventListener("click", function () {
      state.q = ""; state.cls = ""; state.st = ""; state.lv = ""; state.seg = "";
      state.legacy = false; state.clinical = false; state.kev = false; state.page = 0;
      renderFindings();
    });
    head.addEventListener("click", function (e) { sortBy(e.target.closest("th")); });
    head.addEventListener("keydown", function (e) { if (e.key === "Enter") { sortBy(e.target.closest("th")); } });
    body.addEventListener("click", function (e) {
      var row = e.target.closest("tr[data-device]");
      if (row) { showDetail(Number(row.getAttribute("data-device")), true); }
    });
    body.addEventListener("keydown", function (e) {
      var row = e.target.closest("tr[data-device]");
      if (row && e.key === "Enter") { showDetail(Number(row.getAttribute("data-device")), true); }
    });
    refresh();
  }

  function sortBy(th) {
    if (!th) { return; }
    var key = th.getAttribute("data-sort");
    if (state.sort === key) { state.dir = -state.dir; } else { state.sort = key; state.dir = key === "r" ? -1 : 1; }
    state.page = 0;
    renderFindings();
  }

  function refresh() {
    var box = document.getElementById("f-search");
    if (box) { state.q = box.value; }  // a filter changed before the search box's pause ended
    applyFilters();
    var pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
    state.page = Math.min(state.page, pages - 1);
    document.getElementById("f-count").textContent =
      msg("js.count", { shown: num(filtered.length), total: num(devices.length) }) +
      (PRINT && filtered.length > PAGE_SIZE ? " " + msg("js.print_cap", { n: num(PAGE_SIZE) }) : "");
    var body = document.querySelector("#findings-table tbody");
    clear(body);
    var start = state.page * PAGE_SIZE;
    filtered.slice(start, start + PAGE_SIZE).forEach(function (i) { body.appendChild(findingRow(i)); });
    if (!filtered.length) {
      var cell = el("td", "empty", msg("js.no_match"));
      cell.colSpan = COLUMNS.length;
      body.appendChild(el("tr", null, cell));
    }
    var pager = clear(document.getElementById("f-pager"));
    var prev = el("button", null, msg("js.prev"));
    prev.type = "button";
    prev.disabled = state.page === 0;
    prev.addEventListener("click", function () { state.page -= 1; refresh(); });
    var next = el("button", null, msg("js.next"));
    next.type = "button";
    next.disabled = state.page >= pages - 1;
    next.addEventListener("click", function () { state.page += 1; refresh(); });
    append(pager, [prev, el("span", "page", msg("js.page", { page: num(state.page + 1), pages: num(pages) })), next]);
  }

  function findingRow(i) {
    var d = devices[i];
    var row = el("tr", d.lg ? "legacy" : null);
    row.setAttribute("data-device", String(i));
    row.tabIndex = 0;
    append(row, [
      el("td", "n", d.lv ? badge("level", d.lv, num(d.r || 0)) : ""),
      el("td", "addr", [d.a, d.ns ? el("small", "not-scanned", " " + msg("js.not_scanned")) : null]),
      el("td", null, [term("class", d.c), d.t ? el("small", null, " " + term("type", d.t)) : null]),
      el("td", null, [d.m || el("em", null, msg("js.d_not_identified")),
        d.kev && d.kev.length ? el("span", "kev", " KEV") : null]),
      el("td", null, badge("status", d.s, term("status", d.s))),
      el("td", null, date(d.eol, true)),
      el("td", null, segName(d))
    ]);
    return row;
  }

  // --- device detail -------------------------------------------------------------------------

  var detail = document.getElementById("detail-app");
  var current = null;

  function showDetail(i, scroll) {
    current = i;
    renderDetail();
    if (scroll) { document.getElementById("detail").scrollIntoView(); }
  }

  function renderDetail() {
    clear(detail);
    if (current === null) {
      detail.appendChild(el("p", "note", msg("js.detail_pick")));
      return;
    }
    var d = devices[current];
    var article = el("article", "device");
    article.id = "device-detail";
    article.setAttribute("data-device", String(current));
    append(article, el("h3", null, [
      el("span", "addr", d.a), " — ", term("class", d.c), d.t ? " / " + term("type", d.t) : "",
      el("small", null, " " + msg("js.d_confidence", { value: num(d.cc || 0, 2) }))
    ]));
    if (d.ns) {
      append(article, el("p", "warn", msg("js.d_not_scanned")));
      var seen = el("ul", "evidence");
      (d.sb || []).forEach(function (w) { append(seen, words(el("li"), w)); });
      append(article, [el("p", "label", msg("js.d_seen_by")), seen]);
    }
    if (d.g >= 0) {
      append(article, el("p", null, [msg("js.d_segment") + colon(), el("code", null, segName(d))]));
    }
    if (d.cf && d.cf.length) {
      append(article, el("p", "warn", msg("js.d_conflicts", { classes: d.cf.map(function (c) { return term("class", c); }).join(", ") })));
    }
    // Identities, lifecycle, evidence
    append(article, el("h4", null, msg("js.d_identities")));
    if (!d.id || !d.id.length) { append(article, el("p", null, msg("js.d_not_identified"))); }
    (d.id || []).forEach(function (n) { article.appendChild(identityBlock(DATA.objs[n])); });
    if (d.rg) { append(article, el("p", "registrant", msg("js.d_registrant", { number: String(d.rg[0]), name: d.rg[1] }))); }
    // Score
    append(article, el("h4", null, msg("js.d_score")));
    if (d.lv) {
      var factors = (d.f || []).map(function (n) { return DATA.objs[n]; });
      var list = el("ul", "factors");
      factors.forEach(function (f) {
        var why = words(el("span", "why"), f.x);
        append(list, el("li", null, [el("strong", null, msg("js.d_points", { points: num(f.points || 0) })), " — ", term("factor", f.name), colon(), why]));
      });
      append(article, [el("p", null, [badge("level", d.lv, term("level", d.lv)), " ", el("strong", null, num(d.r || 0)), " = " + factors.map(function (f) { return num(f.points || 0); }).join(" + ")]), list]);
    } else {
      append(article, el("p", null, msg("js.d_no_score")));
    }
    // Reach
    var out = reachOut(current);
    var inn = reachIn(current);
    if (out.length) { append(article, [el("h4", null, msg("js.d_reach") + " (" + num(out.length) + ")"), reachList(out)]); }
    if (inn.length) { append(article, [el("h4", null, msg("js.d_reached_by") + " (" + num(inn.length) + ")"), reachList(inn)]); }
    // Class signals
    if (d.sig && d.sig.length) {
      var signals = el("ul", "evidence");
      d.sig.forEach(function (n) {
        var s = DATA.objs[n];
        append(signals, el("li", null, [term("class", s.device_class), s.device_type ? " / " + term("type", s.device_type) : "",
          " +" + num(s.weight || 0, 2) + " ", el("code", null, s.reason || ""), " ", el("code", null, s.detail || "")]));
      });
      append(article, [el("h4", null, msg("js.d_signals")), signals]);
    }
    // Raw observations
    append(article, [el("h4", null, msg("js.d_observations")), tree(d.o || {}, true)]);
    var back = el("a", "back", msg("js.d_back"));
    back.href = "#findings";
    append(article, el("p", null, back));
    detail.appendChild(article);
  }

  function identityBlock(o) {
    var block = el("div", "identity");
    var l = o.l || {};
    append(block, el("p", null, [
      badge("status", l.st, term("status", l.st)), " ",
      el("strong", null, [o.v, o.p, o.ver].filter(Boolean).join(" ")),
      " (" + term("kind", o.k) + ", " + msg("js.d_confidence", { value: num(o.conf || 0, 2) }) + ")",
      o.cpe ? el("code", null, " " + o.cpe) : null
    ]));
    var facts = [words(el("span", "why"), l.why)];
    if (l.cy) { facts.push(" · " + msg("js.d_cycle", { cycle: l.cy })); }
    if (l.eol) { facts.push(" · " + msg("js.d_eol_date", { date: date(l.eol) })); }
    if (l.ext) { facts.push(" · " + msg("js.d_ext", { date: date(l.ext) })); }
    append(block, el("p", null, facts));
    var url = safeUrl(l.src);
    if (l.src) {
      var source = url ? el("a", "source", l.src) : el("code", null, l.src);
      if (url) { source.href = url; source.rel = "noreferrer noopener"; }
      append(block, el("p", "record", [msg("js.d_source") + colon(), source, l.chk ? " (" + msg("js.d_checked", { date: date(l.chk) }) + ")" : ""]));
    }
    if (l.kev && l.kev.length) {
      append(block, el("p", "warn", [msg("js.d_kev") + colon(), l.kev.join(", ")]));
    }
    var evidence = el("ul", "evidence");
    (o.e || []).forEach(function (e) {
      append(evidence, el("li", null, [el("code", null, e.f), " = ", el("code", "value", e.val),
        e.port ? " (" + e.port + ")" : "", " — " + msg("js.d_rule", { rule: "" }), el("code", null, e.r)]));
    });
    append(block, [el("p", "label", msg("js.d_evidence")), evidence]);
    return block;
  }

  function reachList(pairs) {
    var list = el("ul", "reach");
    pairs.slice(0, LIST_MAX).forEach(function (pair) {
      var other = devices[pair[0]];
      var link = el("a", "device-link", other.a);
      link.href = "#detail";
      link.setAttribute("data-device", String(pair[0]));
      append(list, el("li", null, [link, " ", term("class", other.c), other.t ? " / " + term("type", other.t) : "",
        el("small", null, [" — ", words(el("span", "why"), DATA.ev[pair[1]])])]));
    });
    if (pairs.length > LIST_MAX) { append(list, el("li", "note", msg("js.d_more", { n: num(pairs.length - LIST_MAX) }))); }
    return list;
  }

  function tree(value, top) {
    if (Array.isArray(value)) {
      var list = el("ol", "tree");
      value.forEach(function (item) { append(list, el("li", null, tree(item, false))); });
      return list;
    }
    if (value !== null && typeof value === "object") {
      var dl = el("dl", "tree");
      Object.keys(value).forEach(function (key) {
        append(dl, [el("dt", null, top ? term("obs", key) : key), el("dd", null, tree(value[key], false))]);
      });
      return dl;
    }
    return el("code", "value", String(value));
  }

  // --- segment map ---------------------------------------------------------------------------

  var graph = document.getElementById("seg-graph");
  var drill = document.getElementById("seg-drill");
  var drilled = -1;
  var picked = -1;

  function segClass(s) {
    if (s.mx) { return "seg mixed"; }
    if (s.lg) { return "seg legacy"; }
    if (s.cl) { return "seg clinical"; }
    return "seg";
  }

  // A grid: one cell per segment, its name and counts on top, a block whose area follows its
  // number of devices below them.  Cells never overlap, so neither do blocks and labels;
  // arrows (legacy -> clinical reach between segments, width by number of pairs) curve
  // between the blocks.  Same data, same picture: the order is the segments' own.
  var MAP_WIDTH = 900;

  function mapColumns(n) {
    if (n <= 4) { return Math.max(1, n); }
    if (n <= 9) { return 3; }
    if (n <= 16) { return 4; }
    return Math.min(12, Math.ceil(Math.sqrt(n * 1.6)));
  }

  function fitText(text, width, charWidth) {
    var room = Math.max(3, Math.floor(width / charWidth));
    return text.length <= room ? text : text.slice(0, room - 1) + "…";
  }

  function edgePoint(from, to, box) {
    // where the segment from the centre of `box` towards `to` leaves the box
    var dx = to[0] - from[0], dy = to[1] - from[1];
    if (!dx && !dy) { return from.slice(); }
    var t = Math.min(dx ? (box.w / 2) / Math.abs(dx) : Infinity, dy ? (box.h / 2) / Math.abs(dy) : Infinity);
    return [from[0] + dx * t, from[1] + dy * t];
  }

  function curveIsClear(p, c, q, others) {
    for (var i = 2; i <= 18; i++) {
      var t = i / 20, u = 1 - t;
      var x = u * u * p[0] + 2 * u * t * c[0] + t * t * q[0];
      var y = u * u * p[1] + 2 * u * t * c[1] + t * t * q[1];
      for (var k = 0; k < others.length; k++) {
        var b = others[k];
        if (Math.abs(x - b.cx) < b.w / 2 + 6 && Math.abs(y - b.cy) < b.h / 2 + 6) { return false; }
      }
    }
    return true;
  }

  function renderGraph() {
    clear(graph);
    if (!segs.length) { return; }
    var order = segs.map(function (_, i) { return i; }).slice(0, OVERVIEW_MAX);
    var shown = new Map();
    order.forEach(function (seg, n) { shown.set(seg, n); });
    var largest = Math.max.apply(null, order.map(function (i) { return segs[i].m.length; }).concat([1]));
    var cols = mapColumns(order.length);
    var cellW = MAP_WIDTH / cols;
    var labelled = cols <= 6;
    var head = labelled ? 40 : 4;  // room for the name and the counts
    var cellH = labelled ? Math.max(150, Math.min(220, cellW * 0.75)) : cellW;
    var rows = Math.ceil(order.length / cols);
    var height = rows * cellH;
    var pad = labelled ? 22 : 6;
    var boxes = order.map(function (seg, n) {
      var x0 = cellW * (n % cols), y0 = cellH * Math.floor(n / cols);
      var maxW = cellW - 2 * pad, maxH = cellH - head - 2 * pad;
      var share = Math.sqrt(segs[seg].m.length / largest);  // area follows the device count
      var w = Math.max(18, maxW * share), h = Math.max(14, maxH * share);
      return { x0: x0, y0: y0, w: w, h: h, cx: x0 + cellW / 2, cy: y0 + head + pad + maxH / 2 };
    });
    var root = svg("svg", { viewBox: "0 0 " + MAP_WIDTH + " " + height, width: "100%", role: "img", "class": "map" });
    var defs = svg("defs");
    var marker = svg("marker", { id: "map-arrow", viewBox: "0 0 10 10", refX: "9", refY: "5",
      markerWidth: "2.6", markerHeight: "2.6", orient: "auto-start-reverse", "class": "arrow-head" });
    marker.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z" }));
    defs.appendChild(marker);
    root.appendChild(defs);
    // Blocks first, arrows over them (so an arrow is never hidden), labels last.
    order.forEach(function (seg, n) {
      var s = segs[seg], b = boxes[n];
      var g = svg("g", { "class": segClass(s) + (seg === drilled ? " selected" : ""), "data-seg": String(seg), tabindex: "0" });
      g.appendChild(svg("rect", { x: (b.cx - b.w / 2).toFixed(1), y: (b.cy - b.h / 2).toFixed(1),
        width: b.w.toFixed(1), height: b.h.toFixed(1), rx: "6", "class": "seg-block" }));
      var t = svg("title");
      t.textContent = s.n + (s.cidr ? " (" + s.cidr + ")" : "") + " — " + num(s.m.length) + " · " + msg("js.g_legacy") + " " + num(s.lg) + " · " + msg("js.g_clinical") + " " + num(s.cl);
      g.appendChild(t);
      root.appendChild(g);
    });
    var edges = new Map();
    var inside = new Map();  // segment -> legacy -> clinical pairs within it
    for (var k = 0; k < DATA.reach.length; k += 3) {
      var a = devices[DATA.reach[k]].g;
      if (!shown.has(a)) { continue; }
      DATA.sets[DATA.reach[k + 1]].forEach(function (target) {
        var b = devices[target].g;
        if (a === b) { inside.set(a, (inside.get(a) || 0) + 1); return; }
        if (!shown.has(b)) { return; }
        var key = a + ">" + b;
        edges.set(key, (edges.get(key) || 0) + 1);
      });
    }
    var most = 1;
    edges.forEach(function (count) { most = Math.max(most, count); });
    var keys = Array.from(edges.keys()).sort();
    keys.forEach(function (key) {
      var count = edges.get(key);
      var ends = key.split(">").map(Number);
      var from = boxes[shown.get(ends[0])], to = boxes[shown.get(ends[1])];
      var p = [from.cx, from.cy], q = [to.cx, to.cy];
      // bend to the right of the way: A->B and B->A never share a path
      var mx = (p[0] + q[0]) / 2, my = (p[1] + q[1]) / 2;
      var dx = q[0] - p[0], dy = q[1] - p[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      // the first bend whose curve passes beside every other block (else the gentlest)
      var others = boxes.filter(function (box) { return box !== from && box !== to; });
      var c = null;
      [0.18, -0.18, 0.35, -0.35, 0.55, -0.55].some(function (share) {
        var bend = share * Math.min(len, 420);
        var tried = [mx - dy / len * bend, my + dx / len * bend];
        if (!c) { c = tried; }
        if (curveIsClear(p, tried, q, others)) { c = tried; return true; }
        return false;
      });
      var start = edgePoint(p, c, from), end = edgePoint(q, c, to);
      var width = 1.5 + 8.5 * count / most;
      var path = svg("path", { d: "M" + start[0].toFixed(1) + "," + start[1].toFixed(1) + " Q" + c[0].toFixed(1) + "," + c[1].toFixed(1) + " " + end[0].toFixed(1) + "," + end[1].toFixed(1),
        "class": "edge", "stroke-width": width.toFixed(1), "marker-end": "url(#map-arrow)", "data-pairs": String(count) });
      var t = svg("title");
      t.textContent = msg("js.g_arrow", { from: segs[ends[0]].n, to: segs[ends[1]].n, n: num(count) });
      path.appendChild(t);
      root.appendChild(path);
    });
    if (labelled) {
      order.forEach(function (seg, n) {
        var s = segs[seg], b = boxes[n];
        var pairs = inside.get(seg) || 0;
        if (pairs && b.h >= 30) {  // pairs inside the segment, written inside its block
          var text = msg("js.g_inside", { n: num(pairs) });
          var inner = svg("text", { x: b.cx.toFixed(1), y: (b.cy + 4).toFixed(1), "text-anchor": "middle", "class": "seg-inner", "data-seg": String(seg) });
          inner.textContent = text.length * 6.6 <= b.w - 8 ? text : num(pairs);  // a small block: the number
          root.appendChild(inner);
        }
        var name = svg("text", { x: b.cx.toFixed(1), y: (b.y0 + 16).toFixed(1), "text-anchor": "middle", "class": "seg-label", "data-seg": String(seg) });
        name.textContent = fitText(s.n, cellW - 12, 7.4);
        root.appendChild(name);
        var counts = svg("text", { x: b.cx.toFixed(1), y: (b.y0 + 32).toFixed(1), "text-anchor": "middle", "class": "seg-count", "data-seg": String(seg) });
        counts.textContent = fitText(msg("js.g_counts", { n: num(s.m.length), lg: num(s.lg), cl: num(s.cl) }), cellW - 12, 6.2);
        root.appendChild(counts);
      });
    }
    root.addEventListener("click", function (e) {
      var g = e.target.closest("[data-seg]");
      if (g) { drillInto(Number(g.getAttribute("data-seg"))); }
    });
    root.addEventListener("keydown", function (e) {
      var g = e.target.closest("[data-seg]");
      if (g && e.key === "Enter") { drillInto(Number(g.getAttribute("data-seg"))); }
    });
    graph.appendChild(root);
    renderLegend(graph);
  }

  function p0(p) { return p[0].toFixed(1); }

  function renderLegend(where) {
    var legend = el("p", "legend", [
      el("span", "key seg-mixed"), " " + msg("js.g_seg_mixed") + "  ",
      el("span", "key seg-legacy"), " " + msg("js.g_seg_legacy") + "  ",
      el("span", "key seg-clinical"), " " + msg("js.g_seg_clinical") + "  ",
      el("span", "key seg-other"), " " + msg("js.g_seg_other") + "  ",
      el("span", "key arrow-key"), " " + msg("js.g_arrow_key")
    ]);
    where.appendChild(legend);
  }

  function drillInto(seg) {
    drilled = seg;
    picked = -1;
    renderGraph();
    renderDrill();
    drill.scrollIntoView({ block: "nearest" });
  }

  function renderDrill() {
    clear(drill);
    if (drilled < 0) {
      if (segs.length) { drill.appendChild(el("p", "note", msg("js.g_pick"))); }
      return;
    }
    var s = segs[drilled];
    var members = s.m.slice();
    members.sort(function (a, b) {
      var da = devices[a], db = devices[b];
      var ra = (da.lg ? 2 : 0) + (da.cl ? 1 : 0), rb = (db.lg ? 2 : 0) + (db.cl ? 1 : 0);
      return rb - ra || (db.r || 0) - (da.r || 0) || a - b;
    });
    var shownMembers = members.slice(0, DRILL_MAX);
    append(drill, el("h4", null, msg("js.g_drill", { name: s.n, n: num(s.m.length) })));
    if (members.length > DRILL_MAX) {
      append(drill, el("p", "note", msg("js.g_drill_cap", { shown: num(DRILL_MAX), n: num(members.length) })));
    }
    var labelled = shownMembers.length <= 60;
    var cols = labelled ? Math.min(8, shownMembers.length) :
      Math.min(30, Math.max(6, Math.ceil(Math.sqrt(shownMembers.length * 3))));
    var cell = labelled ? 110 : 30, rowHeight = labelled ? 48 : 30;
    var width = cols * cell, height = Math.ceil(shownMembers.length / cols) * rowHeight + 4;
    var reached = new Set();
    var elsewhere = 0;
    if (picked >= 0) {
      reachOut(picked).forEach(function (pair) {
        reached.add(pair[0]);
        if (devices[pair[0]].g !== drilled) { elsewhere += 1; }
      });
    }
    var root = svg("svg", { viewBox: "0 0 " + width + " " + height, width: String(Math.min(900, width)), height: String(Math.min(900, width) * height / width), role: "img", "class": "drill" });
    shownMembers.forEach(function (i, n) {
      var d = devices[i];
      var kind = d.lg ? "legacy" : (d.cl ? "clinical" : "other");
      var cls = "dev " + kind + (i === picked ? " picked" : "") + (reached.has(i) ? " reached" : "");
      var g = svg("g", { "class": cls, "data-device": String(i), tabindex: "0" });
      var x = cell * (n % cols) + cell / 2, y = rowHeight * Math.floor(n / cols) + 15;
      g.appendChild(svg("circle", { cx: String(x), cy: String(y), r: "9" }));
      if (labelled) {
        var label = svg("text", { x: String(x), y: String(y + 24), "text-anchor": "middle", "class": "dev-label" });
        label.textContent = d.a;
        g.appendChild(label);
      }
      var t = svg("title");
      t.textContent = d.a + " — " + term("class", d.c) + (d.m ? " — " + d.m : "");
      g.appendChild(t);
      root.appendChild(g);
    });
    root.addEventListener("click", function (e) {
      var g = e.target.closest("[data-device]");
      if (g) { picked = Number(g.getAttribute("data-device")); renderDrill(); }
    });
    root.addEventListener("keydown", function (e) {
      var g = e.target.closest("[data-device]");
      if (g && e.key === "Enter") { picked = Number(g.getAttribute("data-device")); renderDrill(); }
    });
    drill.appendChild(root);
    if (picked >= 0) {
      var d = devices[picked];
      var info = el("p", "reach-info");
      info.id = "reach-info";
      append(info, msg("js.g_reach", { addr: d.a, n: num(reached.size) }));
      if (elsewhere) { append(info, " " + msg("js.g_reach_elsewhere", { n: num(elsewhere) })); }
      var open = el("a", "device-link", msg("js.g_open"));
      open.href = "#detail";
      open.setAttribute("data-device", String(picked));
      append(info, [" ", open]);
      drill.appendChild(info);
    }
  }

  // --- language switch and links -------------------------------------------------------------

  function setLanguage(code) {
    if (!DATA.i18n[code]) { return; }
    lang = code;
    document.documentElement.setAttribute("data-lang", code);
    document.documentElement.lang = code;
    document.querySelectorAll("[data-set-lang]").forEach(function (b) {
      b.setAttribute("aria-pressed", b.getAttribute("data-set-lang") === code ? "true" : "false");
    });
    renderAll();
  }

  function renderAll() {
    renderFindings();
    renderDetail();
    renderGraph();
    renderDrill();
  }

  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-set-lang]");
    if (button) { setLanguage(button.getAttribute("data-set-lang")); return; }
    var link = e.target.closest("a[data-device]");
    if (link) {
      e.preventDefault();
      showDetail(Number(link.getAttribute("data-device")), true);
    }
  });

  setLanguage(lang);
})();
