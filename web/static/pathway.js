/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // "I don't know" excludes the other answers (and the other way round).
  var exclusive = document.querySelector("input[data-exclusive]");
  if (exclusive) {
    var others = Array.prototype.filter.call(
      document.querySelectorAll("input[name='answer']"), function (el) { return el !== exclusive; });
    exclusive.addEventListener("change", function () {
      if (!exclusive.checked) { return; }
      others.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } else { el.value = ""; }
      });
    });
    others.forEach(function (el) {
      el.addEventListener(el.type === "checkbox" ? "change" : "input", function () {
        if ((el.type === "checkbox" && el.checked) || (el.type !== "checkbox" && el.value)) { exclusive.checked = false; }
      });
    });
  }

  // A print button on the decision record.
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
