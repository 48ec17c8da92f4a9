// Site-wide behaviour: mobile navigation, confirmations, tree toggles. No framework; htmx does requests.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-nav-toggle]");
    if (toggle) {
      var open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    if (document.body.classList.contains("nav-open") && !event.target.closest("#sidenav")) {
      // A tap outside the open phone menu closes it.
      document.body.classList.remove("nav-open");
      var button = document.querySelector("[data-nav-toggle]");
      if (button) { button.setAttribute("aria-expanded", "false"); }
    }
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    var treeToggle = event.target.closest(".tree-toggle");
    if (treeToggle) {
      event.preventDefault();
      toggleTreeNode(treeToggle);
    }
  }, true);
  function toggleTreeNode(button) {
    var node = button.closest(".tree-node");
    var children = node.querySelector(":scope > ul");
    var expanded = button.getAttribute("aria-expanded") === "true";
    if (children) {
      children.hidden = expanded;
      button.setAttribute("aria-expanded", expanded ? "false" : "true");
      button.textContent = expanded ? "+" : "−";
      return;
    }
    if (button.dataset.loading) { return; }
    button.dataset.loading = "1";
    fetch(button.dataset.childrenUrl, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        node.insertAdjacentHTML("beforeend", html);
        button.setAttribute("aria-expanded", "true");
        button.textContent = "−";
      })
      .catch(function () { showError("下级组织加载失败，请刷新页面后重试。"); })
      .finally(function () { delete button.dataset.loading; });
  }
  function showError(text) {
    var box = document.createElement("div");
    box.className = "alert alert-error";
    box.textContent = text;
    var main = document.getElementById("main");
    if (main) { main.insertBefore(box, main.firstChild); }
  }
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = status === 404 ? "记录不存在或您无权访问。" : status === 403 ? "您没有权限执行此操作。" : "请求失败，请稍后重试。";
    showError(text);
  });
})();
