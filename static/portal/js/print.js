/* The « Imprimer » button of the client's summary (no inline script): the browser's print,
   laid out by the print stylesheet of portal.css. */
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
});
