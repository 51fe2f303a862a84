/* Draws every chart of the page from its JSON spec (a json_script block), with the local
   plotly.js; the caption and data table of each chart are already in the HTML. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  if (typeof window.Plotly === "undefined") { return; }
  document.querySelectorAll("[data-chart]").forEach(function (container) {
    var source = document.getElementById(container.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    window.Plotly.newPlot(container, spec.figure.data, spec.figure.layout, spec.config);
  });
});
