// Vanthu: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { window.print(); }
  });
  // A form with data-confirm asks before it is sent (no inline onsubmit: the pages allow no inline script).
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
})();
