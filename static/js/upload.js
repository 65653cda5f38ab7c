// Upload forms (form[data-upload]) are sent with XMLHttpRequest so a <progress> bar can follow
// the bytes. Without JavaScript the same form posts normally. The server answers 201 with
// {"location": ...} when the video is stored, or the form page again (4xx) with its errors.
// Messages come translated from the form's data-msg-* attributes; {placeholders} are filled in here.
// While the upload runs: the button is disabled and says so, the speed and time left are shown,
// screen readers hear each quarter (not every percent), and leaving the page asks first.
//
// Direct uploads (the form has data-direct-start: media in object storage): a file of at least
// data-direct-min-bytes goes straight to the bucket, part by part, each part PUT to a presigned URL
// the app hands out. A part that fails is sent again (4 tries, 1, 2 and 4 s apart, with a fresh URL).
// The upload's ticket is kept in localStorage under the file's name, size and date: after a reload
// (or a failure) choosing the same file again resumes, sending only the parts the bucket lacks.
// Then the form (title and ticket) is posted to data-direct-finish, which checks the file and adds
// the video, and answers as the normal upload does.
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

    // loaded of total bytes are sent; `fresh` of them were sent in this visit (for the speed).
    function progressed(loaded, total, fresh) {
      if (!bar) { return; }
      var value = Math.round((loaded / total) * 100);
      bar.value = value;
      bar.textContent = value + "%";
      var seconds = (Date.now() - started) / 1000;
      var speed = seconds > 0 ? fresh / seconds : 0;
      if (stats && speed > 0) {
        stats.textContent = message(form, "stats", {
          percent: String(value),
          speed: (speed / 1048576).toFixed(1),
          time: clock((total - loaded) / speed),
        });
      }
      var reached = Math.floor(value / 25);
      if (announce && reached > quarter) {
        quarter = reached;
        announce.textContent = message(form, "announce", {percent: String(quarter * 25)});
      }
    }

    function say(text) {
      if (stats) { stats.textContent = text; }
      if (announce) { announce.textContent = text; }
    }

    // The server's answer to the final POST: go where it says, or show the page it sent (errors).
    function answered(status, text) {
      uploading = false;
      if (status === 201) {
        window.location.assign(JSON.parse(text).location);
        return;
      }
      if (!replaceMain(text)) {
        busy(false);
        showError(form, message(form, "failed", {status: status}));
      }
    }

    function lost() {
      busy(false);
      showError(form, message(form, "lost"));
    }

    if (errorBox) { errorBox.hidden = true; }
    busy(true);

    var minDirect = parseInt(form.getAttribute("data-direct-min-bytes"), 10);
    if (file && minDirect && file.size >= minDirect && window.fetch && window.Promise) {
      sendDirect(form, file, {progressed: progressed, say: say, answered: answered, lost: lost});
      return;
    }

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (progress) {
      if (!bar) { return; }
      if (!progress.lengthComputable) { bar.removeAttribute("value"); return; }
      progressed(progress.loaded, progress.total, progress.loaded);
    });
    xhr.addEventListener("load", function () { answered(xhr.status, xhr.responseText); });
    xhr.addEventListener("error", lost);
    xhr.send(new FormData(form));
  });

  // --- Direct uploads ---------------------------------------------------------------------------

  var RETRY_DELAYS = [1000, 2000, 4000];  // waits before the 2nd, 3rd and 4th try of a part
  var URL_BATCH = 10;

  function storageKey(file) {
    return "reelhouse.upload:" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function remembered(file) {
    try { return JSON.parse(window.localStorage.getItem(storageKey(file)) || "null"); } catch (e) { return null; }
  }

  function remember(file, ticket) {
    try {
      if (ticket) { window.localStorage.setItem(storageKey(file), JSON.stringify(ticket)); }
      else { window.localStorage.removeItem(storageKey(file)); }
    } catch (e) { /* private mode: no resuming after a reload, the upload itself still works */ }
  }

  function postJson(form, url, body) {
    var csrf = form.querySelector("input[name=csrf_token]");
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : ""},
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {status: response.status, data: data};
      });
    });
  }

  function wait(ms) { return new Promise(function (resolve) { window.setTimeout(resolve, ms); }); }

  // One PUT of one part, with XMLHttpRequest for its upload progress; resolves on 2xx.
  function putPart(url, blob, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.upload.addEventListener("progress", function (event) { onProgress(event.loaded); });
      xhr.addEventListener("load", function () {
        if (xhr.status >= 200 && xhr.status < 300) { resolve(); } else { reject(new Error("HTTP " + xhr.status)); }
      });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.addEventListener("abort", function () { reject(new Error("aborted")); });
      xhr.send(blob);
    });
  }

  function sendDirect(form, file, ui) {
    var ticket = null;
    var done = {};       // part number -> true once the bucket has it
    var urls = {};       // part number -> presigned URL not used yet
    var sentBefore = 0;  // bytes the bucket had when this visit began
    var sentNow = 0;     // bytes sent in this visit, parts finished

    function partLength(number) {
      return Math.min(ticket.part_size, file.size - (number - 1) * ticket.part_size);
    }

    function begin() {
      var saved = remembered(file);
      if (!saved) { return fresh(); }
      ticket = saved;
      return postJson(form, form.getAttribute("data-direct-parts"), {token: ticket.token, uploaded: true, numbers: []})
        .then(function (answer) {
          if (answer.status !== 200) { remember(file, null); return fresh(); }
          answer.data.uploaded.forEach(function (part) { done[part.number] = true; sentBefore += part.size; });
          if (sentBefore > 0) {
            ui.say(message(form, "resumed", {percent: String(Math.floor((sentBefore / file.size) * 100))}));
          }
        });
    }

    function fresh() {
      ticket = null;
      return postJson(form, form.getAttribute("data-direct-start"), {
        size: file.size, type: file.type, title: form.querySelector("input[name=title]").value,
      })
        .then(function (answer) {
          if (answer.status !== 201) { throw {status: answer.status, data: answer.data}; }
          ticket = answer.data;
          remember(file, ticket);
        });
    }

    function urlFor(number) {
      if (urls[number]) { return Promise.resolve(urls[number]); }
      var numbers = [];
      for (var n = number; n <= ticket.parts && numbers.length < URL_BATCH; n += 1) {
        if (!done[n]) { numbers.push(n); }
      }
      return postJson(form, form.getAttribute("data-direct-parts"), {token: ticket.token, numbers: numbers})
        .then(function (answer) {
          if (answer.status !== 200) { throw {status: answer.status, data: answer.data}; }
          Object.keys(answer.data.urls).forEach(function (key) { urls[key] = answer.data.urls[key]; });
          return urls[number];
        });
    }

    function sendPart(number, attempt) {
      var start = (number - 1) * ticket.part_size;
      var blob = file.slice(start, start + partLength(number));
      return urlFor(number).then(function (url) {
        delete urls[number];  // a URL is used once: a retry asks for a fresh one
        return putPart(url, blob, function (loaded) {
          ui.progressed(sentBefore + sentNow + loaded, file.size, sentNow + loaded);
        });
      }).then(function () {
        done[number] = true;
        sentNow += blob.size;
        ui.progressed(sentBefore + sentNow, file.size, sentNow);
      }, function (error) {
        if (error && error.status) { throw error; }  // the app refused: no point in trying again
        if (attempt >= RETRY_DELAYS.length) { throw error; }
        ui.say(message(form, "retrying"));
        return wait(RETRY_DELAYS[attempt]).then(function () { return sendPart(number, attempt + 1); });
      });
    }

    function sendAll(number) {
      while (number <= ticket.parts && done[number]) { number += 1; }
      if (number > ticket.parts) { return Promise.resolve(); }
      return sendPart(number, 0).then(function () { return sendAll(number + 1); });
    }

    function finish() {
      ui.say(message(form, "checking"));
      var data = new FormData();
      data.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
      data.append("title", form.querySelector("input[name=title]").value);
      data.append("token", ticket.token);
      return fetch(form.getAttribute("data-direct-finish"), {
        method: "POST", credentials: "same-origin", body: data,
        headers: {"X-Requested-With": "XMLHttpRequest"},
      }).then(function (response) {
        return response.text().then(function (text) {
          if (response.status === 201 || response.status === 410 || response.status === 404) { remember(file, null); }
          ui.answered(response.status, text);
        });
      });
    }

    begin().then(function () { return sendAll(1); }).then(finish).catch(function (error) {
      if (error && error.status && error.data && error.data.error) {
        uploading = false;
        ui.lost();
        showError(form, error.data.error.message);
        return;
      }
      ui.lost();
    });
  }
}());
