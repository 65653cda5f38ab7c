// Sign-up: send the browser's IANA time zone so the new company shows times in it.
(function () {
  "use strict";
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (error) { return; }
  document.querySelectorAll("input[name=timezone][type=hidden]").forEach(function (input) {
    if (zone && !input.value) { input.value = zone; }
  });
}());
