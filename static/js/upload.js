// Upload forms (form[data-upload]) are sent with XMLHttpRequest so a <progress> bar can follow
// the bytes. Without JavaScript the same form posts normally. The server answers 201 with
// {"location": ...} when the video is stored, or the form page again (4xx) with its errors.
// Messages come translated from the form's data-msg-* attributes; {placeholders} are filled in here.
// While the upload runs: the button is disabled and says so, the speed and time left are shown,
// screen readers hear each quarter (not every percent), and leaving the page asks first.
(function () {
  "use strict";

  function message(form, name, values) {
    var text = form.getAttribute("data-msg-" + name) || "";
    Object.keys(values || {}).forEach(function (key) { text = text.split("{" + key + "}").join(values[key]); });
    return text;
  }

  function showError(form, message) {
    var box = form.querySelector(".upload-error");
    if (!box) { return; }
    box.textContent = message;
    box.hidden = false;
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  function replaceMain(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var incoming = doc.querySelector("main");
    var main = document.querySelector("main");
    if (!incoming || !main) { return false; }
    main.innerHTML = incoming.innerHTML;
    if (doc.title) { document.title = doc.title; }
    var target = main.querySelector("ul.errors") || main.querySelector(".flash")
      || main.querySelector("h1") || main;
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
    return true;
  }

  function clock(seconds) {
    seconds = Math.max(0, Math.round(seconds));
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  var uploading = false;
  window.addEventListener("beforeunload", function (event) {
    if (!uploading) { return; }
    event.preventDefault();
    event.returnValue = "";  // the browser asks "Leave site?": the upload would be lost
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-upload") || event.defaultPrevented) { return; }
    if (!window.XMLHttpRequest || !window.FormData || !window.DOMParser) { return; }
    var input = form.querySelector("input[type=file]");
    var maxBytes = parseInt(form.getAttribute("data-max-bytes"), 10);
    var file = input && input.files && input.files[0];
    if (file && maxBytes && file.size > maxBytes) {
      event.preventDefault();
      showError(form, message(form, "too-large"));
      return;
    }
    event.preventDefault();

    var box = form.querySelector(".upload-progress");
    var bar = form.querySelector("progress");
    var stats = form.querySelector(".upload-stats");
    var announce = form.querySelector(".upload-announce");
    var button = form.querySelector("[type=submit]");
    var buttonLabel = button ? button.value || button.textContent : "";
    var errorBox = form.querySelector(".upload-error");
    var started = Date.now();
    var quarter = 0;

    function busy(on) {
      uploading = on;
      if (box) { box.hidden = !on; }
      if (!button) { return; }
      button.disabled = on;
      var label = on ? message(form, "busy") : buttonLabel;
      if (button.tagName === "INPUT") { button.value = label; } else { button.textContent = label; }
    }

    if (errorBox) { errorBox.hidden = true; }
    busy(true);

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (progress) {
      if (!bar) { return; }
      if (!progress.lengthComputable) { bar.removeAttribute("value"); return; }
      var value = Math.round((progress.loaded / progress.total) * 100);
      bar.value = value;
      bar.textContent = value + "%";
      var seconds = (Date.now() - started) / 1000;
      var speed = seconds > 0 ? progress.loaded / seconds : 0;
      if (stats && speed > 0) {
        stats.textContent = message(form, "stats", {
          percent: String(value),
          speed: (speed / 1048576).toFixed(1),
          time: clock((progress.total - progress.loaded) / speed),
        });
      }
      var reached = Math.floor(value / 25);
      if (announce && reached > quarter) {
        quarter = reached;
        announce.textContent = message(form, "announce", {percent: String(quarter * 25)});
      }
    });
    xhr.addEventListener("load", function () {
      uploading = false;
      if (xhr.status === 201) {
        var answer = JSON.parse(xhr.responseText);
        window.location.assign(answer.location);
        return;
      }
      if (!replaceMain(xhr.responseText)) {
        busy(false);
        showError(form, message(form, "failed", {status: xhr.status}));
      }
    });
    xhr.addEventListener("error", function () {
      busy(false);
      showError(form, message(form, "lost"));
    });
    xhr.send(new FormData(form));
  });
}());
