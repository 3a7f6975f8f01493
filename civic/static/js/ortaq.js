/* Ortaq: small behaviours on top of htmx. No inline scripts (CSP). */
(function () {
  "use strict";
  // After a boosted swap into another language, keep <html lang> in step
  // with the page (the body's wrapper carries the language of the answer).
  function syncLang() {
    var page = document.getElementById("page");
    if (page && page.dataset.lang) {
      document.documentElement.lang = page.dataset.lang;
    }
  }
  document.addEventListener("htmx:afterSettle", syncLang);
  document.addEventListener("DOMContentLoaded", syncLang);
  // Move focus to the main content after a boosted navigation, for screen readers.
  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail && event.detail.boosted) {
      var main = document.getElementById("main");
      if (main) { main.focus({ preventScroll: true }); }
    }
  });
})();
