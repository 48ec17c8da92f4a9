// The print button of the 主席论坛 printable page (no inline handlers: CSP).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
