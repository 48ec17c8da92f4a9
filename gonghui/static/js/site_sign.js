/* The printable site sign (sites/site_sign.html): the 打印 button prints the page. */
(function () {
  "use strict";
  function init() {
    var button = document.getElementById("print-sign");
    if (button) button.addEventListener("click", function () { window.print(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
