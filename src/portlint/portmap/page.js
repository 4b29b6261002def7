"use strict";
(function () {
  const data = JSON.parse(document.getElementById("portmap-data").textContent);
  const S = data.strings;
  const rows = data.rows.map(function (cells, i) {
    const row = { i: i, link: data.links[cells[0]], clash: [] };
    data.fields.forEach(function (field, k) {
      const v = cells[k];
      if (field === "known") row.known = v.map(function (s) { return S[s]; });
      else if (typeof v === "number" && ["line", "column", "port", "end_port"].indexOf(field) >= 0) row[field] = v;
      else row[field] = v === null ? null : S[v];
    });
    return row;
  });
  data.collisions.forEach(function (pair) { rows[pair[0]].clash.push(pair[1]); rows[pair[1]].clash.push(pair[0]); });
  // One marked overlap per socket: every owner that collides on it, not every pair.
  const groups = new Map();
  data.collisions.forEach(function (pair) {
    const a = rows[pair[0]], b = rows[pair[1]];
    const key = a.namespace + "|" + a.protocol + "|" + Math.max(a.port, b.port);
    if (!groups.has(key)) groups.set(key, { port: Math.max(a.port, b.port), protocol: a.protocol, namespace: a.namespace, members: [] });
    const g = groups.get(key);
    [a, b].forEach(function (r) { if (g.members.indexOf(r) < 0) g.members.push(r); });
  });
  const clashes = Array.from(groups.values());
  function ownersText(members, limit) {
    const names = members.map(function (r) { return r.owner; });
    return names.length > limit ? names.slice(0, limit).join(" \u00d7 ") + " \u00d7 " + (names.length - limit) + " more" : names.join(" \u00d7 ");
  }

  const ROLES = { listen: "#2563eb", publish: "#16a34a", "host-port": "#9333ea", "node-port": "#ea580c",
    "service-port": "#0891b2", container: "#64748b", expose: "#a3a3a3" };
  const KINDS = [["host", "Hosts"], ["k8s-node", "Kubernetes nodes (hostPort, hostNetwork)"],
    ["k8s-nodeports", "Cluster NodePort space"], ["service", "Kubernetes Services"], ["pod", "Pods"],
    ["container", "Containers"], ["dockerfile", "Dockerfiles (EXPOSE)"]];
  // Segmented scale: each segment log-scaled, so 22, 8080 and 30080 all get room.
  const BREAKS = [1, 1024, 10000, 30000, 32768, 65536];
  const AT = [0, 0.3, 0.62, 0.78, 0.84, 1];
  const TICKS = [1, 22, 80, 443, 1024, 3000, 5432, 8080, 10000, 20000, 30000, 32768, 49152, 65535];
  const ROW = 20;

  function pos(port) {
    const p = Math.min(Math.max(port, 1), 65536);
    for (let k = 1; k < BREAKS.length; k++) {
      if (p <= BREAKS[k]) {
        const f = Math.log(p / BREAKS[k - 1]) / Math.log(BREAKS[k] / BREAKS[k - 1]);
        return AT[k - 1] + f * (AT[k] - AT[k - 1]);
      }
    }
    return 1;
  }
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function portText(r) { return r.end_port !== r.port ? r.port + "-" + r.end_port : String(r.port); }
  // A long lane name keeps its last path segments, the part that tells lanes apart.
  function shortName(name) {
    if (name.indexOf("@") > 0) name = name.slice(0, name.indexOf("@"));  // a Service: its name, not its file
    if (name.length <= 26) return name;
    const parts = name.split("/");
    let kept = parts.pop();
    while (parts.length && kept.length + parts[parts.length - 1].length < 24) kept = parts.pop() + "/" + kept;
    return kept.length > 26 ? "\u2026" + kept.slice(-25) : "\u2026/" + kept;
  }
  function where(r) { return r.path + ":" + r.line; }
  function kindOf(ns) { const k = ns.split(":")[0]; return KINDS.some(function (x) { return x[0] === k; }) ? k : "other"; }

  function bands() {
    const pct = function (p) { return (pos(p) * 100).toFixed(2) + "%"; };
    return "linear-gradient(to right, #eef2f7 0, #eef2f7 " + pct(1024) + ", transparent " + pct(1024) +
      ", transparent " + pct(30000) + ", #e0f2fe " + pct(30000) + ", #e0f2fe " + pct(32768) +
      ", #fef9c3 " + pct(32768) + ", #fef9c3 " + pct(61000) + ", transparent " + pct(61000) + ")";
  }

  function matches(r, tokens) {
    const text = (r.owner + " " + r.namespace + " " + r.path + " " + (r.identity || "") + " " +
      (r.address || "") + " " + r.role + " " + r.protocol).toLowerCase();
    return tokens.every(function (t) {
      const m = /^(\d+)(?:-(\d+))?$/.exec(t);
      if (m) { const a = +m[1], b = m[2] ? +m[2] : a; return r.port <= b && r.end_port >= a; }
      return text.indexOf(t) >= 0;
    });
  }

  function layout(track, items, width) {
    const ends = [];
    items.sort(function (a, b) { return a.left - b.left; });
    items.forEach(function (it) {
      const left = it.left * width, w = Math.max((it.right - it.left) * width, it.label * 6.6 + 9);
      const x = Math.min(left, Math.max(width - w, 0));
      let r = 0;
      while (r < ends.length && ends[r] > x - 2) r++;
      ends[r] = x + w;
      it.node.style.left = x.toFixed(1) + "px";
      it.node.style.top = (2 + r * ROW) + "px";
      if (it.right > it.left) it.node.style.width = w.toFixed(1) + "px";
    });
    track.style.height = (Math.max(ends.length, 1) * ROW + 4) + "px";
  }

  function renderAxis(width) {
    const axis = document.getElementById("axis");
    axis.textContent = "";
    let last = -1e9;
    TICKS.forEach(function (t) {
      const x = pos(t) * width;
      if (x - last < 38) return;
      last = x;
      const s = el("span", "", String(t));
      s.style.left = x.toFixed(1) + "px";
      if (x > width - 24) s.style.transform = "translateX(-100%)";
      axis.appendChild(s);
    });
  }

  function renderLanes(visible, again) {
    const main = document.getElementById("lanes");
    main.textContent = "";
    const lanes = new Map();
    rows.forEach(function (r) { if (visible[r.i]) { if (!lanes.has(r.namespace)) lanes.set(r.namespace, []); lanes.get(r.namespace).push(r); } });
    // The tracks' real width, measured on a probe lane (the label column may be stacked).
    const probe = el("div", "lane");
    probe.appendChild(el("div", "lane-label", "x"));
    const probeTrack = probe.appendChild(el("div", "track"));
    main.appendChild(probe);
    const width = Math.max(probeTrack.clientWidth, 120);
    main.removeChild(probe);
    document.getElementById("axis").style.width = width + "px";
    renderAxis(width);
    const background = bands();
    KINDS.concat([["other", "Other"]]).forEach(function (kind) {
      const names = Array.from(lanes.keys()).filter(function (ns) { return kindOf(ns) === kind[0]; });
      if (!names.length) return;
      const section = el("details", "kind");
      section.open = true;
      section.dataset.kind = kind[0];
      section.appendChild(el("summary", "", kind[1] + " (" + names.length + ")"));
      names.forEach(function (ns) {
        const lane = el("div", "lane");
        lane.dataset.namespace = ns;
        const name = ns.indexOf(":") >= 0 ? ns.slice(ns.indexOf(":") + 1) : ns;
        const label = el("div", "lane-label", shortName(name));
        label.title = ns;
        const track = el("div", "track");
        track.style.background = background;
        const items = [];
        lanes.get(ns).forEach(function (r) {
          const a = el("a", "binding " + r.role + (r.end_port !== r.port ? " range" : "") + (r.clash.length ? " clash" : ""), portText(r));
          a.href = r.link;
          a.style.background = ROLES[r.role] || "#475569";
          a.title = portText(r) + "/" + r.protocol + " " + r.role + " by " + r.owner +
            (r.address ? " on " + r.address : "") + (r.service ? " (IANA: " + r.service + ")" : "") + " \u2014 " + where(r);
          a.dataset.i = r.i; a.dataset.port = r.port; a.dataset.owner = r.owner; a.dataset.where = where(r);
          track.appendChild(a);
          items.push({ node: a, left: pos(r.port), right: pos(r.end_port), label: portText(r).length });
        });
        clashes.forEach(function (g) {
          if (g.namespace !== ns) return;
          const shown = g.members.filter(function (r) { return visible[r.i]; });
          if (shown.length < 2) return;
          const c = el("span", "collision", "\u26a0 " + g.port + "/" + g.protocol + ": " + ownersText(shown, 2));
          c.dataset.members = shown.map(function (r) { return r.i; }).join(" ");
          c.title = "collision on " + g.port + "/" + g.protocol + ":\n" + shown.map(function (r) { return r.owner + " (" + where(r) + ")"; }).join("\n");
          track.appendChild(c);
          items.push({ node: c, left: pos(g.port), right: pos(g.port), label: c.textContent.length });
        });
        layout(track, items, width);
        lane.appendChild(label);
        lane.appendChild(track);
        section.appendChild(lane);
      });
      main.appendChild(section);
    });
    // A scroll bar that the lanes brought narrows them: lay out once more at the new width.
    const track = main.querySelector(".track");
    if (track && Math.abs(track.clientWidth - width) > 1 && !again) renderLanes(visible, true);
  }

  function renderTable() {
    const body = document.querySelector("#table tbody");
    rows.forEach(function (r) {
      const tr = el("tr", r.clash.length ? "clash" : "");
      const registered = (r.service ? [r.service] : []).concat(r.known).join(", ") || "-";
      [portText(r) + "/" + r.protocol, r.role, r.address || "*", r.owner, r.namespace, r.identity || "-", registered].forEach(function (t) { tr.appendChild(el("td", "", t)); });
      const td = el("td"), a = el("a", "", where(r) + ":" + r.column);
      a.href = r.link; td.appendChild(a); tr.appendChild(td);
      tr.dataset.i = r.i;
      body.appendChild(tr);
    });
  }

  function renderCollisions() {
    const box = document.getElementById("collisions");
    if (!clashes.length) return;
    box.hidden = false;
    box.open = clashes.length <= 8;
    box.querySelector("summary").textContent = "Collisions: " + clashes.length + " socket" + (clashes.length === 1 ? "" : "s") + " bound by more than one owner";
    const list = box.querySelector("ul");
    clashes.forEach(function (g) {
      const li = el("li");
      li.appendChild(document.createTextNode(g.port + "/" + g.protocol + " in " + g.namespace + ": "));
      g.members.forEach(function (r, k) {
        if (k) li.appendChild(document.createTextNode(" \u00d7 "));
        li.appendChild(el("b", "", r.owner));
        li.appendChild(document.createTextNode(" ("));
        const link = el("a", "", where(r)); link.href = r.link; li.appendChild(link);
        li.appendChild(document.createTextNode(")"));
      });
      list.appendChild(li);
    });
  }

  let visible = rows.map(function () { return true; });
  function apply() {
    const tokens = document.getElementById("filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    visible = rows.map(function (r) { return matches(r, tokens); });
    document.querySelectorAll("#table tbody tr").forEach(function (tr) { tr.classList.toggle("hidden", !visible[+tr.dataset.i]); });
    renderLanes(visible);
    const shown = visible.filter(Boolean).length;
    document.getElementById("summary").textContent = (shown === rows.length ? rows.length : shown + " of " + rows.length) +
      " bindings in " + data.files + " files, " + clashes.length + " collision" + (clashes.length === 1 ? "" : "s");
  }

  const legend = document.getElementById("legend");
  Object.keys(ROLES).forEach(function (role) {
    const li = el("li"), swatch = el("i");
    swatch.style.background = ROLES[role];
    li.appendChild(swatch); li.appendChild(document.createTextNode(role)); legend.appendChild(li);
  });
  [["#eef2f7", "well-known"], ["#e0f2fe", "NodePort range"], ["#fef9c3", "ephemeral"]].forEach(function (b) {
    const li = el("li"), swatch = el("i"); swatch.style.background = b[0]; swatch.style.border = "1px solid #cbd5e1";
    li.appendChild(swatch); li.appendChild(document.createTextNode(b[1])); legend.appendChild(li);
  });
  renderTable();
  renderCollisions();
  const filter = document.getElementById("filter");
  if (location.hash.indexOf("#filter=") === 0) filter.value = decodeURIComponent(location.hash.slice(8));
  apply();
  document.documentElement.style.setProperty("--header", document.querySelector("header").offsetHeight + "px");
  let timer = null;
  filter.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      apply();
      history.replaceState(null, "", filter.value ? "#filter=" + encodeURIComponent(filter.value) : location.pathname);
    }, 150);
  });
  window.addEventListener("resize", function () { clearTimeout(timer); timer = setTimeout(function () { renderLanes(visible); }, 150); });
})();
