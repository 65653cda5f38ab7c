// Watch page: resume where the viewer left, save the position while watching, keyboard shortcuts,
// the captions menu. The page works without it (the browser's own controls); this adds the rest.
(function () {
  "use strict";
  var video = document.getElementById("player");
  if (!video || !video.dataset.positionUrl) { return; }
  var announcer = document.getElementById("player-announce");
  var resumeNote = document.getElementById("resume-note");
  var menu = document.getElementById("captions-menu");
  var dialog = document.getElementById("shortcuts");
  var resumeAt = parseFloat(video.dataset.resumeAt) || 0;
  var started = false;
  var lastSave = 0;
  var SAVE_EVERY_MS = 10000;

  function announce(text) { if (announcer) { announcer.textContent = text; } }

  // Position: saved while playing, on pause/seek/end, and when the page is hidden or left.
  // fetch with keepalive (not sendBeacon) so that the request carries the CSRF token header.
  function save(leaving) {
    if (!started || !isFinite(video.currentTime)) { return; }
    lastSave = Date.now();
    fetch(video.dataset.positionUrl, {
      method: "PUT", credentials: "same-origin", keepalive: !!leaving,
      headers: { "Content-Type": "application/json", "X-CSRFToken": video.dataset.csrfToken },
      body: JSON.stringify({ position_seconds: video.currentTime })
    }).catch(function () {});
  }
  video.addEventListener("playing", function () {
    if (!started) { started = true; save(false); }
  });
  video.addEventListener("timeupdate", function () {
    if (started && !video.paused && Date.now() - lastSave >= SAVE_EVERY_MS) { save(false); }
  });
  ["pause", "seeked", "ended"].forEach(function (name) {
    video.addEventListener(name, function () { save(false); });
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { save(true); }
  });
  window.addEventListener("pagehide", function () { save(true); });

  // Resume: start at the saved place once the browser knows the video's length.
  function applyResume() {
    if (resumeAt > 0 && video.currentTime < 0.5) { video.currentTime = resumeAt; }
  }
  if (resumeAt > 0 && resumeNote) {
    resumeNote.hidden = false;
    if (video.readyState >= 1) { applyResume(); } else { video.addEventListener("loadedmetadata", applyResume, { once: true }); }
    document.getElementById("start-over").addEventListener("click", function () {
      resumeAt = 0;
      if (video.readyState >= 1) { video.currentTime = 0; }
      resumeNote.hidden = true;
      video.focus();
      save(false);
    });
  }

  // Captions: the menu and C switch between the video's subtitle tracks (one showing at a time).
  var lastShown = -1;
  function tracks() { return Array.prototype.slice.call(video.textTracks || []); }
  function showTrack(index) {
    tracks().forEach(function (track, i) { track.mode = i === index ? "showing" : "disabled"; });
    if (index >= 0) { lastShown = index; }
    if (menu) { menu.value = index >= 0 ? String(index) : ""; }
  }
  function shownTrack() {
    return tracks().findIndex(function (track) { return track.mode === "showing"; });
  }
  if (menu) {
    var initial = menu.value === "" ? -1 : parseInt(menu.value, 10);
    showTrack(initial);
    menu.addEventListener("change", function () {
      showTrack(menu.value === "" ? -1 : parseInt(menu.value, 10));
    });
  }
  function toggleCaptions() {
    var list = tracks();
    if (!list.length) { return; }
    if (shownTrack() >= 0) {
      showTrack(-1);
      announce(video.dataset.msgCaptionsOff);
    } else {
      var index = lastShown >= 0 ? lastShown : 0;
      showTrack(index);
      announce(list[index].label);
    }
  }

  // Keyboard shortcuts, anywhere on the page except while typing in a field.
  function isTyping(element) {
    if (!element) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag === "INPUT") {
      return ["button", "checkbox", "radio", "submit", "reset", "image"].indexOf(element.type) === -1;
    }
    return false;
  }
  function activates(element) {  // Space already means "press this" on these
    return element && ["BUTTON", "A", "SUMMARY", "INPUT"].indexOf(element.tagName) !== -1;
  }

  function seekBy(seconds) {
    var end = isFinite(video.duration) ? video.duration : Infinity;
    video.currentTime = Math.max(0, Math.min(end, video.currentTime + seconds));
  }
  function togglePlay() {
    if (video.paused || video.ended) { var playing = video.play(); if (playing) { playing.catch(function () {}); } } else { video.pause(); }
  }
  function changeVolume(step) {
    video.muted = false;
    video.volume = Math.max(0, Math.min(1, Math.round((video.volume + step) * 10) / 10));
    announce((video.dataset.msgVolume || "").split("{percent}").join(String(Math.round(video.volume * 100))));
  }
  function toggleFullscreen() {
    if (document.fullscreenElement) { document.exitFullscreen().catch(function () {}); } else if (video.requestFullscreen) { video.requestFullscreen().catch(function () {}); }
  }
  function openShortcuts() {
    if (dialog && !dialog.open) { dialog.showModal(); }
  }
  var actions = {
    " ": togglePlay, k: togglePlay,
    j: function () { seekBy(-10); }, l: function () { seekBy(10); },
    ArrowLeft: function () { seekBy(-5); }, ArrowRight: function () { seekBy(5); },
    ArrowUp: function () { changeVolume(0.1); }, ArrowDown: function () { changeVolume(-0.1); },
    f: toggleFullscreen,
    m: function () { video.muted = !video.muted; if (video.muted) { announce(video.dataset.msgMuted); } else { changeVolume(0); } },
    c: toggleCaptions,
    "?": openShortcuts
  };
  // Capture phase, and the event goes no further: the focused player's own controls would otherwise
  // also act on Space and the arrow keys (their steps differ from these).
  window.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    if ((dialog && dialog.open) || isTyping(event.target)) { return; }
    var key = event.key.length === 1 && event.key !== "?" ? event.key.toLowerCase() : event.key;
    var action = actions[key];
    if (!action || (key === " " && activates(event.target))) { return; }
    event.preventDefault();
    event.stopPropagation();
    action();
  }, true);

  if (dialog) {
    var opener = document.getElementById("shortcuts-open");
    opener.hidden = false;
    opener.addEventListener("click", openShortcuts);
    document.getElementById("shortcuts-close").addEventListener("click", function () { dialog.close(); });
  }
}());
