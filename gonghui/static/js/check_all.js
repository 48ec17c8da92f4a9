// A header checkbox with data-check-all="NAME" ticks or clears every checkbox NAME in its form.
document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (!all || !all.form) {
    return;
  }
  var name = all.getAttribute("data-check-all");
  all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
