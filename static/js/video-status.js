// Videos and Poster pages: while any video is processing, or a poster is being made from a frame, ask
// for the statuses every few seconds and update the badges, facts, warnings and the poster in place
// (the pages work without it: a reload shows the same).
(function () {
  "use strict";
  var root = document.getElementById("video-statuses");
  if (!root || !root.dataset.url || !window.fetch) { return; }
  var INTERVAL = 3000;

  function cells() { return Array.prototype.slice.call(root.querySelectorAll("[data-video-id]")); }
  function waiting() {
    return cells().filter(function (cell) {
      return cell.dataset.status === "processing" || cell.dataset.posterState === "pending";
    });
  }

  function showPoster(cell, state) {
    var message = cell.querySelector('[data-part="poster"]');
    var image = cell.querySelector('[data-part="poster-image"]');
    var placeholder = cell.querySelector('[data-part="poster-placeholder"]');
    cell.dataset.posterState = state.poster_state;
    if (message) {
      message.textContent = state.poster_message;
      message.hidden = !state.poster_message;
      message.className = message.className.replace(/poster-state-\S+/, "poster-state-" + (state.poster_state || "none"));
    }
    if (image && state.poster_key && cell.dataset.posterUrl) {
      var source = cell.dataset.posterUrl + "?v=" + encodeURIComponent(state.poster_key);
      if (image.getAttribute("src") !== source) { image.setAttribute("src", source); }
      image.hidden = false;
      if (placeholder) { placeholder.hidden = true; }
    }
  }

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
    if (cell.dataset.posterUrl) { showPoster(cell, state); }
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
