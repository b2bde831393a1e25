// A page following a long job marks the part that changes with data-live="seconds".
// Every few seconds the page is fetched again and that part swapped in; once the job is
// finished (the fresh part has no data-live) the whole page is loaded once, so its buttons
// match. A meta refresh would do the same without script, but reloading the page under
// someone reading it fails WCAG 2.2.1; without script the page offers a link instead.
(function () {
  "use strict";
  var region = document.querySelector("[data-live]");
  if (!region || !window.fetch || !window.DOMParser) return;
  var delay = 1000 * (Number(region.getAttribute("data-live")) || 3);

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
        if (!fresh || !fresh.hasAttribute("data-live")) {
          window.location.reload();
          return;
        }
        region.innerHTML = fresh.innerHTML;
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, delay * 2); // a service busy for a moment: try again later
      });
  }
  window.setTimeout(poll, delay);
})();
