// Alpine.js components of the UI. The pages run Alpine's CSP build under Content-Security-Policy script-src 'self':
// it evaluates no JavaScript written in the HTML beyond property reads, comparisons and method calls, so any
// behaviour with more logic than that is registered here, before Alpine starts (this file loads first).
document.addEventListener("alpine:init", function () {
  "use strict";

  // Vietnamese folded for matching: "so tai chinh" finds "Sở Tài chính".
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  // Filters the options of a long multi-select as the person types; chosen options always stay visible. Without
  // JavaScript the plain list works.
  window.Alpine.data("vtFilter", function () {
    return {
      q: "",
      init: function () {
        var root = this.$root;
        this.$watch("q", function (value) {
          var needle = fold(value.trim());
          root.querySelectorAll("select[data-filterable] option").forEach(function (option) {
            option.hidden = needle !== "" && !option.selected && !fold(option.text).includes(needle);
          });
        });
      },
    };
  });

  // "Chọn tất cả": ticks or clears every document box of the form.
  window.Alpine.data("vtSelectAll", function () {
    return {
      toggle: function (event) {
        var checked = event.target.checked;
        this.$root.querySelectorAll("input[name=documents]").forEach(function (box) { box.checked = checked; });
      },
    };
  });
});
