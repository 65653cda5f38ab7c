// Watch page: once playback starts, ask the server whether this view earned points and show it.
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video || !video.dataset.statusUrl) { return; }
  var note = document.getElementById("points-note");
  var viewedAtLoad = video.dataset.viewed === "true";
  var settled = false;
  var polling = false;

  function show(status) {
    var points = document.getElementById("user-points");
    if (points) { points.textContent = String(status.points); }
    if (!viewedAtLoad && status.points_awarded > 0 && note) {
      note.textContent = (video.dataset.msgEarned || "").split("{points}").join(String(status.points_awarded));
      note.classList.add("points-earned");
      var hint = document.getElementById("points-hint");
      if (hint) { hint.hidden = true; }
    }
  }

  function poll(attempt) {
    fetch(video.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (status && status.viewed) { settled = true; polling = false; show(status); return; }
        if (attempt < 10) { setTimeout(function () { poll(attempt + 1); }, 500); } else { polling = false; }
      })
      .catch(function () { polling = false; });
  }

  function failed() {
    if (note) { note.textContent = video.dataset.msgFailed || ""; }
  }
  // Only a real error says the video could not be loaded: the element's error event, or its error
  // attribute when the failure came before this script ran (never a guess from networkState, which
  // passes through NETWORK_NO_SOURCE while the browser is still choosing its source).
  video.addEventListener("error", failed);
  if (video.error) { failed(); }

  video.addEventListener("playing", function () {
    if (settled || polling) { return; }
    polling = true;
    poll(0);
  });
}());
