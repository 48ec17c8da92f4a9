// Form errors clear as soon as their field is corrected: editing a field in error removes
// its message and its red mark (the server checks again on submit). Every form page loads
// this file; fields in error carry aria-invalid and point at their message (core/forms.py).
(function () {
  "use strict";
  function rowOf(field) {
    return field.closest(".form-row, fieldset, .field");
  }
  function clear(field) {
    var row = rowOf(field);
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/);
    ids.forEach(function (id) {
      var list = id && document.getElementById(id);
      if (list && list.classList.contains("errorlist")) { list.remove(); }
    });
    if (row) {
      row.querySelectorAll(".errorlist").forEach(function (list) { list.remove(); });
      row.classList.remove("has-error");
      row.querySelectorAll("[aria-invalid]").forEach(function (el) {
        el.removeAttribute("aria-invalid");
      });
    }
    field.removeAttribute("aria-invalid");
    var form = field.form;
    if (form && !form.querySelector(".has-error, [aria-invalid='true']")) {
      // Nothing left in red: the "please check" summary no longer applies.
      form.querySelectorAll("[data-errors-summary]").forEach(function (el) { el.hidden = true; });
    }
  }
  function onEdit(event) {
    var field = event.target;
    if (!field || !field.form || !field.name) { return; }
    var row = rowOf(field);
    if (field.getAttribute("aria-invalid") === "true" || (row && row.classList.contains("has-error"))) {
      clear(field);
    }
  }
  document.addEventListener("input", onEdit);
  document.addEventListener("change", onEdit);
  // The server checks every field and reports all problems at once; the browser's own
  // checks (min, type=email …) would stop a submit at the first one, in its own words.
  function noBrowserChecks() {
    document.querySelectorAll("form").forEach(function (form) { form.noValidate = true; });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", noBrowserChecks);
  } else {
    noBrowserChecks();
  }
})();
