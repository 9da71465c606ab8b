// Print buttons: any element with data-print opens the browser's print dialog.
document.querySelectorAll("[data-print]").forEach(function (el) {
  el.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
});
