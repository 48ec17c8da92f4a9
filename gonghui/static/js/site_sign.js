// The printable site sign (sites/site_sign.html): the 打印 button.
document.getElementById("print-sign").addEventListener("click", function () { window.print(); });
