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

/* Step-through: the left and right arrow keys follow the previous and next links. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-step-nav]");
  if (!nav) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var link = null;
    if (event.key === "ArrowRight") { link = nav.querySelector("[data-step-next]"); }
    if (event.key === "ArrowLeft") { link = nav.querySelector("[data-step-prev]"); }
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();
