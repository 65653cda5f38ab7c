// Upload forms (form[data-upload]) are sent with XMLHttpRequest so a <progress> bar can follow
// the bytes. Without JavaScript the same form posts normally. The server answers 201 with
// {"location": ...} when the video is stored, or the form page again (4xx) with its errors.
// Messages come translated from the form's data-msg-* attributes; {status} is filled in here.
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
    var percent = form.querySelector(".upload-percent");
    var button = form.querySelector("[type=submit]");
    var errorBox = form.querySelector(".upload-error");
    if (errorBox) { errorBox.hidden = true; }
    if (box) { box.hidden = false; }
    if (button) { button.disabled = true; }

    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (progress) {
      if (!bar) { return; }
      if (progress.lengthComputable) {
        var value = Math.round((progress.loaded / progress.total) * 100);
        bar.value = value;
        bar.textContent = value + "%";
        if (percent) { percent.textContent = value + "%"; }
      } else {
        bar.removeAttribute("value");
      }
    });
    xhr.addEventListener("load", function () {
      if (xhr.status === 201) {
        var answer = JSON.parse(xhr.responseText);
        window.location.assign(answer.location);
        return;
      }
      if (!replaceMain(xhr.responseText)) {
        if (box) { box.hidden = true; }
        if (button) { button.disabled = false; }
        showError(form, message(form, "failed", {status: xhr.status}));
      }
    });
    xhr.addEventListener("error", function () {
      if (box) { box.hidden = true; }
      if (button) { button.disabled = false; }
      showError(form, message(form, "lost"));
    });
    xhr.send(new FormData(form));
  });
}());
