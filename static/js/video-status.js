// Videos page: while any video is processing, ask for the statuses every few seconds and update
// the badges, facts and warnings in place (the page works without it: a reload shows the same).
(function () {
  "use strict";
  var root = document.getElementById("video-statuses");
  if (!root || !root.dataset.url || !window.fetch) { return; }
  var INTERVAL = 3000;

  function cells() { return Array.prototype.slice.call(root.querySelectorAll("[data-video-id]")); }
  function waiting() { return cells().filter(function (cell) { return cell.dataset.status === "processing"; }); }

  function show(cell, state) {
    var badge = cell.querySelector('[data-part="badge"]');
    var facts = cell.querySelector('[data-part="facts"]');
    var warning = cell.querySelector('[data-part="warning"]');
    cell.dataset.status = state.status;
    if (badge) {
      badge.textContent = state.badge;
      badge.className = "badge status status-" + state.status;
    }
    if (facts) { facts.textContent = state.facts; }
    if (warning) { warning.textContent = state.warning; warning.hidden = !state.warning; }
  }

  function poll() {
    var pending = waiting();
    if (!pending.length) { return; }
    var ids = pending.map(function (cell) { return cell.dataset.videoId; }).join(",");
    fetch(root.dataset.url + "?ids=" + encodeURIComponent(ids),
          { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        (body && body.videos || []).forEach(function (state) {
          var cell = root.querySelector('[data-video-id="' + state.id + '"]');
          if (cell) { show(cell, state); }
        });
      })
      .catch(function () { /* try again at the next tick */ })
      .then(function () { setTimeout(poll, INTERVAL); });
  }
  setTimeout(poll, INTERVAL);
}());
