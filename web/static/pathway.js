/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // An exclusive answer ("I don't know", "None of these") excludes the other answers, and the
  // other way round. The server refuses the contradiction anyway; this only saves a round trip.
  var inputs = Array.prototype.slice.call(document.querySelectorAll("input[name='answer'], input[data-exclusive]"));
  function ticks(el) { return el.type === "checkbox" || el.type === "radio"; }
  inputs.forEach(function (el) {
    el.addEventListener(ticks(el) ? "change" : "input", function () {
      if (ticks(el) ? !el.checked : !el.value) { return; }
      var alone = el.hasAttribute("data-exclusive");
      inputs.forEach(function (other) {
        if (other === el || !(alone || other.hasAttribute("data-exclusive"))) { return; }
        if (ticks(other)) { other.checked = false; } else { other.value = ""; }
      });
    });
  });

  // A print button on the decision record.
  var print = document.querySelector("[data-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();

/* Step-through: the arrow keys follow the previous and next links; in a right-to-left page (Arabic)
   the next step is to the left. */
(function () {
  "use strict";
  var nav = document.querySelector("[data-step-nav]");
  if (!nav) { return; }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) { return; }
    var link = null;
    var rtl = document.documentElement.dir === "rtl";
    var forward = rtl ? "ArrowLeft" : "ArrowRight";
    var backward = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forward) { link = nav.querySelector("[data-step-next]"); }
    if (event.key === backward) { link = nav.querySelector("[data-step-prev]"); }
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
})();

/* --- Decision tree and pathway map: zoom out, fit to the width, zoom in ------------------------
   Without this each diagram fits its box by its viewBox (pathway.css). 100 % is the diagram's own
   size (1 point = 1 pixel); "Fit to width" goes back to the style sheet's fit. */
(function () {
  "use strict";
  var STEP = 1.25, MIN = 0.2, MAX = 4;
  Array.prototype.forEach.call(document.querySelectorAll("[data-zoom-figure]"), function (figure) {
    var region = figure.querySelector("[data-zoom-region]");
    var svg = region && region.querySelector("svg");
    var controls = figure.querySelector("[data-zoom-controls]");
    var level = figure.querySelector("[data-zoom-level]");
    var natural = svg && svg.width && svg.width.baseVal ? svg.width.baseVal.value : 0;
    if (!svg || !controls || !natural) { return; }
    function show() {
      var shown = svg.getBoundingClientRect().width;
      if (level && shown) { level.textContent = Math.round(shown / natural * 100) + " %"; }
    }
    function set(width) {
      svg.style.maxWidth = "none";
      svg.style.width = Math.round(width) + "px";
    }
    controls.hidden = false;
    controls.addEventListener("click", function (event) {
      var button = event.target.closest("[data-zoom-action]");
      if (!button) { return; }
      var action = button.getAttribute("data-zoom-action");
      var width = svg.getBoundingClientRect().width || natural;
      if (action === "fit") {
        svg.style.width = "";
        svg.style.maxWidth = "";
      } else if (action === "in") {
        set(Math.min(width * STEP, natural * MAX));
      } else {
        set(Math.max(width / STEP, natural * MIN));
      }
      show();
    });
    var stage = figure.closest("details");
    if (stage) { stage.addEventListener("toggle", show); }
    window.addEventListener("resize", show);
    show();
  });

  // A link to a decision point's section opens it.
  function openTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
})();
