// The live segment counter: as the admin types, ask the console (which asks messaging, where
// the counting rules live) and show its words. Without this script "Check length" does it.
(function () {
  "use strict";
  var field = document.querySelector("[data-segment-counter]");
  var region = document.getElementById("segment-count-text");
  if (!field || !region || !window.fetch) { return; }
  var form = field.form;
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var timer = null;
  var latest = 0;

  function update() {
    var asked = ++latest;
    var body = new URLSearchParams({ csrf_token: csrf, text: field.value });
    fetch(field.getAttribute("data-segment-counter"), {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counted) {
        // An older answer arriving late must not overwrite a newer one.
        if (counted && asked === latest) { region.innerHTML = counted.html; }
      })
      .catch(function () { /* "Check length" still works */ });
  }

  field.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 300);
  });
  update();
})();
