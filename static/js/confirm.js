// Forms marked data-confirm ask before they submit (delete, remove, purge, demoting oneself). Once
// answered, the form says so (confirmed=1): the server then skips its own confirmation page, which
// is what asks the question when JavaScript is off.
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (!question) { return; }
  // data-confirm-if="name=value": ask only when that field has that value (demoting oneself).
  var condition = (form.getAttribute("data-confirm-if") || "").split("=");
  if (condition.length === 2 && form.elements[condition[0]] && form.elements[condition[0]].value !== condition[1]) {
    return;
  }
  if (!window.confirm(question)) {
    event.preventDefault();
    return;
  }
  if (!form.querySelector("input[name=confirmed]")) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "confirmed";
    input.value = "1";
    form.appendChild(input);
  }
});
