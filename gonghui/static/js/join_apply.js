// The online joining form (/join/, members/join/apply.html): shows the section of the
// chosen joining path and searches employers with a union as the worker types.
(function () {
  "use strict";
  var form = document.getElementById("join-form");
  var sections = form.querySelectorAll("[data-path-section]");
  function showPath() {
    var checked = form.querySelector("input[name=path]:checked");
    sections.forEach(function (s) { s.hidden = !checked || s.dataset.pathSection !== checked.value; });
  }
  form.addEventListener("change", function (e) { if (e.target.name === "path") { showPath(); } });
  showPath();
  var input = form.querySelector("[data-employer-search]");
  var hidden = form.querySelector("input[name=employer]");
  var list = document.getElementById("employer-results");
  var timer = null;
  input.addEventListener("input", function () {
    hidden.value = "";
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 2) { list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch(list.dataset.searchUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.innerHTML = "";
          if (!data.results.length) {
            var li = document.createElement("li");
            li.className = "muted";
            li.textContent = "没有找到已建会的单位。如单位未建会，请选择“单位未建会/无固定单位”。";
            list.appendChild(li);
          }
          data.results.forEach(function (e) {
            var li = document.createElement("li");
            var b = document.createElement("button");
            b.type = "button";
            b.className = "btn join-result";
            b.textContent = e.label;
            b.addEventListener("click", function () {
              hidden.value = e.id;
              input.value = e.name;
              list.innerHTML = "";
            });
            li.appendChild(b);
            list.appendChild(li);
          });
        })
        .catch(function () { list.innerHTML = ""; });
    }, 250);
  });
})();
