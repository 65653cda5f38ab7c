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
      note.textContent = "+" + status.points_awarded + " points for your first viewing of this video.";
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
    if (note) { note.textContent = "This video could not be loaded. Please try again later."; }
  }
  var source = video.querySelector("source");
  if (source) { source.addEventListener("error", failed); }
  video.addEventListener("error", failed);
  // The stream may have failed before this script ran (its error event is then gone). Look once the
  // page has loaded: a <video> holds the load event until it has data or has failed, while right
  // after parsing (this script cached, so run at once) NETWORK_NO_SOURCE is only a passing state.
  function failedEarlier() {
    if (video.error || video.networkState === HTMLMediaElement.NETWORK_NO_SOURCE) { failed(); }
  }
  if (document.readyState === "complete") { failedEarlier(); } else { window.addEventListener("load", failedEarlier); }

  video.addEventListener("playing", function () {
    if (settled || polling) { return; }
    polling = true;
    poll(0);
  });
}());
