// Vanthu: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print]");
    if (target) { window.print(); }
  });
})();
