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
  // Pressing a button (say "save") blurs the field being edited, and its "change" event comes
  // between mousedown and mouseup: removing a message then moves the button up under the
  // pointer, the mouseup lands beside it and the click (the submit) is lost. That happens when
  // the field's "input" events came before this file had loaded (a slow page). Clears asked
  // for during a press wait until the click that ends it has been dispatched.
  var pressing = false;
  var waiting = [];
  function pressEnded() {
    if (!pressing) { return; }
    pressing = false;
    setTimeout(function () {
      var fields = waiting;
      waiting = [];
      fields.forEach(clear);
    }, 0);
  }
  document.addEventListener("mousedown", function () { pressing = true; }, true);
  document.addEventListener("mouseup", pressEnded, true);
  document.addEventListener("dragend", pressEnded, true);
  window.addEventListener("blur", pressEnded);
  function onEdit(event) {
    var field = event.target;
    if (!field || !field.form || !field.name) { return; }
    var row = rowOf(field);
    if (field.getAttribute("aria-invalid") === "true" || (row && row.classList.contains("has-error"))) {
      if (pressing && event.type === "change") {
        if (waiting.indexOf(field) < 0) { waiting.push(field); }
        return;
      }
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
